# Generated C++ for the reporting schemas (fnguard.v1.SecurityEvent and the
# OTLP logs messages). Protos import each other by repository-rooted paths, so
# protoc runs with -I <repo root> and the generated headers are included as
# "runtime/report/proto/<name>.pb.h" from ${FNGUARD_REPORT_PROTO_OUT}.
find_package(ZLIB REQUIRED)

set(FNGUARD_REPORT_PROTO_OUT ${CMAKE_BINARY_DIR}/gen)
set(FNGUARD_REPORT_PROTOS otlp_common otlp_resource otlp_logs otlp_logs_service security_event)
set(FNGUARD_REPORT_PROTO_SRCS)
set(FNGUARD_REPORT_PROTO_FILES)
foreach(name ${FNGUARD_REPORT_PROTOS})
  list(APPEND FNGUARD_REPORT_PROTO_FILES ${PROJECT_SOURCE_DIR}/runtime/report/proto/${name}.proto)
  list(APPEND FNGUARD_REPORT_PROTO_SRCS
    ${FNGUARD_REPORT_PROTO_OUT}/runtime/report/proto/${name}.pb.cc
    ${FNGUARD_REPORT_PROTO_OUT}/runtime/report/proto/${name}.pb.h)
endforeach()
if(TARGET protobuf::protoc)
  set(FNGUARD_PROTOC protobuf::protoc)
else()
  set(FNGUARD_PROTOC ${Protobuf_PROTOC_EXECUTABLE})
endif()
add_custom_command(
  OUTPUT ${FNGUARD_REPORT_PROTO_SRCS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${FNGUARD_REPORT_PROTO_OUT}
  COMMAND ${FNGUARD_PROTOC} --cpp_out=${FNGUARD_REPORT_PROTO_OUT} -I ${PROJECT_SOURCE_DIR}
          ${FNGUARD_REPORT_PROTO_FILES}
  DEPENDS ${FNGUARD_REPORT_PROTO_FILES}
  COMMENT "protoc: reporting schemas"
  VERBATIM)

add_library(fnguard_report_proto STATIC ${FNGUARD_REPORT_PROTO_SRCS})
target_include_directories(fnguard_report_proto PUBLIC $<BUILD_INTERFACE:${FNGUARD_REPORT_PROTO_OUT}>)
target_link_libraries(fnguard_report_proto PUBLIC protobuf::libprotobuf-lite ZLIB::ZLIB)
set_target_properties(fnguard_report_proto PROPERTIES CXX_VISIBILITY_PRESET hidden)
