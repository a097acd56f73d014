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
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/runs/" "/out/" "\\\\.user$")

# Debian package: one binary package, dependencies named by hand (Debian 12 package names).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "EQ-Net Studio team")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(_eqnet_deb_depends "libtorch1.13" "libopenblas0-pthread")
if(EQNET_GUI)
  list(PREPEND _eqnet_deb_depends "libqt6widgets6" "libqcustomplot2.1-qt6")
endif()
list(JOIN _eqnet_deb_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
unset(_eqnet_deb_depends)

include(CPack)
