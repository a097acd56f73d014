// Reading an ONNX file: the file side (eqnet/files.h) lives in eqcore, the parser in
// eqcore_onnx, which links nothing of eqcore.
#include "eqnet/files.h"
#include "export/onnx_ir.h"

namespace eqnet::onnxir {

Model readFile(const std::string& path) { return parse(readTextFile(path), path); }

} // namespace eqnet::onnxir
