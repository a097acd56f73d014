// Compiles the precompiled header (core/src/pch.h) once; see core/CMakeLists.txt.
