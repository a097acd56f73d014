# Packaging: `cpack` (or `cmake --build <dir> --target package`) makes a .deb and a .tar.gz
# from the install rules. Included by the top-level CMakeLists.txt, after every target exists.
include(GNUInstallDirs)

# Desktop integration, GUI builds only: the launcher, the AppStream metadata, the icon.
if(EQNET_GUI)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/eqnet-studio.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.github.eqnet.studio.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/eqnet-studio.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  foreach(size 16 24 32 48 64 128 256)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/eqnet-studio-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            RENAME eqnet-studio.png)
  endforeach()
endif()

# Man pages and bash completion, generated from the built programs' own help texts
# (make-manpage.sh, make-completion.sh): they cannot disagree with the programs.
set(_eqnet_gen ${CMAKE_BINARY_DIR}/packaging)
set(_eqnet_generated ${_eqnet_gen}/eqnet.1.gz ${_eqnet_gen}/eqnet.bash)
add_custom_command(OUTPUT ${_eqnet_gen}/eqnet.1.gz
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${_eqnet_gen}
                   COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/make-manpage.sh eqnet $<TARGET_FILE:eqnet>
                           ${PROJECT_VERSION} ${_eqnet_gen}/eqnet.1.gz
                   DEPENDS eqnet ${CMAKE_CURRENT_LIST_DIR}/make-manpage.sh
                   COMMENT "man page eqnet(1) from eqnet --help" VERBATIM)
add_custom_command(OUTPUT ${_eqnet_gen}/eqnet.bash
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${_eqnet_gen}
                   COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/make-completion.sh $<TARGET_FILE:eqnet> ${_eqnet_gen}/eqnet.bash
                   DEPENDS eqnet ${CMAKE_CURRENT_LIST_DIR}/make-completion.sh
                   COMMENT "bash completion of eqnet from eqnet --help" VERBATIM)
if(EQNET_GUI)
  list(APPEND _eqnet_generated ${_eqnet_gen}/eqnet-studio.1.gz)
  add_custom_command(OUTPUT ${_eqnet_gen}/eqnet-studio.1.gz
                     COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/make-manpage.sh eqnet-studio $<TARGET_FILE:eqnet-studio>
                             ${PROJECT_VERSION} ${_eqnet_gen}/eqnet-studio.1.gz
                     DEPENDS eqnet-studio ${CMAKE_CURRENT_LIST_DIR}/make-manpage.sh
                     COMMENT "man page eqnet-studio(1) from eqnet-studio --help" VERBATIM)
endif()
add_custom_target(eqnet_manuals ALL DEPENDS ${_eqnet_generated})
install(FILES ${_eqnet_gen}/eqnet.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
if(EQNET_GUI)
  install(FILES ${_eqnet_gen}/eqnet-studio.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
install(FILES ${_eqnet_gen}/eqnet.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME eqnet)

# Debian's copyright file and compressed changelog, in the package's doc folder.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/eqnet-studio)
add_custom_command(OUTPUT ${_eqnet_gen}/changelog.gz
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${_eqnet_gen}
                   COMMAND sh -c "gzip -9n < '${CMAKE_CURRENT_LIST_DIR}/changelog.Debian' > '${_eqnet_gen}/changelog.gz'"
                   DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog.Debian VERBATIM)
add_custom_target(eqnet_changelog ALL DEPENDS ${_eqnet_gen}/changelog.gz)
install(FILES ${_eqnet_gen}/changelog.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/eqnet-studio)
unset(_eqnet_generated)

set(CPACK_PACKAGE_NAME "eqnet-studio")
set(CPACK_PACKAGE_VENDOR "EQ-Net Studio team")
set(CPACK_PACKAGE_CONTACT "EQ-Net Studio team")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VERSION_MAJOR "${PROJECT_VERSION_MAJOR}")
set(CPACK_PACKAGE_VERSION_MINOR "${PROJECT_VERSION_MINOR}")
set(CPACK_PACKAGE_VERSION_PATCH "${PROJECT_VERSION_PATCH}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Workbench for EQ-Net elastic quantization of neural networks")
# Lines kept under 80 columns: the .deb shows them as they are.
set(CPACK_PACKAGE_DESCRIPTION
    "EQ-Net Studio trains one weight-sharing supernet that runs at every bit-width
from 2 to 8 bits and in every quantization form, fits an accuracy predictor,
searches for the subnets with the best accuracy for their BitOps and exports
them. It comes as a desktop application (eqnet-studio) and a command line
(eqnet).")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "eqnet-studio")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/runs/" "/out/" "\\\\.user$")

# Debian package: one binary package. Shared-library dependencies are found by dpkg-shlibdeps;
# named by hand are only what is loaded at run time rather than linked: the threaded BLAS that
# LibTorch should call, and the Qt platform plugins (the window needs xcb or wayland).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "EQ-Net Studio team <eqnet-studio@users.noreply.github.com>")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/eqnet/eqnet-studio")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(_eqnet_deb_depends "libopenblas0-pthread")
if(EQNET_GUI)
  list(APPEND _eqnet_deb_depends "qt6-qpa-plugins")
endif()
list(JOIN _eqnet_deb_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# The default job (eqnet pipeline, the studio's New run) trains on Fashion-MNIST.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
unset(_eqnet_deb_depends)

include(CPack)
