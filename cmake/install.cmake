# Installs libfnguard, its HTTP server plugin, its public headers, a CMake package
# (find_package(fnguard) -> fnguard::fnguard) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS fnguard EXPORT fnguardTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The HTTP server plugin fnguard::http::Serve() loads, next to libfnguard.so
# (not linked by users: not part of the exported targets).
if(TARGET fnguard_http)
  install(TARGETS fnguard_http LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/fnguard DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS fnguard_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT fnguardTargets NAMESPACE fnguard:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fnguard)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fnguardConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/fnguardConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fnguard)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/fnguardConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/fnguardConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/fnguardConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fnguard)

# Path from <libdir>/pkgconfig back to the prefix, for a relocatable .pc file.
file(RELATIVE_PATH FNGUARD_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" FNGUARD_PC_TO_PREFIX "${FNGUARD_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/fnguard.pc.in ${CMAKE_CURRENT_BINARY_DIR}/fnguard.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/fnguard.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
