# Install rules and the CMake package: find_package(hashkv CONFIG) gives hashkv::server and, when
# GoogleTest was found at build time, hashkv::testing. Included by the top-level CMakeLists.txt.
include(CMakePackageConfigHelpers)

set(hashkv_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/hashkv)

# The user-facing targets keep short exported names; the internal static libraries they link
# are exported too (a static library's dependencies are linked by its user) under internal_*.
set_target_properties(hashkv_embed PROPERTIES EXPORT_NAME server)
foreach(lib protocol store core net)
  set_target_properties(hashkv_${lib} PROPERTIES EXPORT_NAME internal_${lib})
endforeach()
set(hashkv_exported hashkv_embed hashkv_net hashkv_core hashkv_store hashkv_protocol)
set(HASHKV_HAS_TESTING OFF)
if(TARGET hashkv_testing)
  set_target_properties(hashkv_testing PROPERTIES EXPORT_NAME testing)
  list(APPEND hashkv_exported hashkv_testing)
  set(HASHKV_HAS_TESTING ON)
endif()

install(TARGETS hashkv-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${hashkv_exported} EXPORT hashkvTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Only the public headers: the server and the test helpers. Both include nothing but the
# standard library (and GoogleTest for the fixture).
install(FILES ${PROJECT_SOURCE_DIR}/include/hashkv/server.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hashkv)
if(HASHKV_HAS_TESTING)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hashkv/testing/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hashkv/testing FILES_MATCHING PATTERN "*.h")
endif()

install(EXPORT hashkvTargets NAMESPACE hashkv:: DESTINATION ${hashkv_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hashkvConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/hashkvConfig.cmake
                              INSTALL_DESTINATION ${hashkv_cmake_dir})
# 0.x: a minor version may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hashkvConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hashkvConfig.cmake
              ${PROJECT_BINARY_DIR}/hashkvConfigVersion.cmake
        DESTINATION ${hashkv_cmake_dir})
