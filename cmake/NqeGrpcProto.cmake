# nqe_add_grpc_proto_library(<target> <file.proto> DEPENDS <proto targets...>): messages and gRPC
# stubs from a .proto under proto/, generated into the build tree ("proto/<name>.grpc.pb.h").
function(nqe_add_grpc_proto_library target proto_file)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  get_filename_component(proto_name "${proto_file}" NAME_WE)
  get_filename_component(proto_dir "${proto_file}" DIRECTORY)
  file(RELATIVE_PATH proto_rel_dir "${CMAKE_SOURCE_DIR}" "${proto_dir}")
  set(gen_root "${CMAKE_BINARY_DIR}/generated")
  set(gen_base "${gen_root}/${proto_rel_dir}/${proto_name}")
  add_custom_command(
    OUTPUT "${gen_base}.pb.cc" "${gen_base}.pb.h" "${gen_base}.grpc.pb.cc" "${gen_base}.grpc.pb.h"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${gen_root}"
    COMMAND protobuf::protoc --cpp_out "${gen_root}" --grpc_out "${gen_root}"
            --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
            -I "${CMAKE_SOURCE_DIR}" "${proto_file}"
    DEPENDS "${proto_file}" protobuf::protoc gRPC::grpc_cpp_plugin
    COMMENT "protoc (gRPC) ${proto_rel_dir}/${proto_name}.proto"
    VERBATIM)
  add_library(${target} STATIC "${gen_base}.pb.cc" "${gen_base}.pb.h" "${gen_base}.grpc.pb.cc"
                               "${gen_base}.grpc.pb.h")
  target_compile_options(${target} PRIVATE -w)  # generated code is not ours to warn about
  target_include_directories(${target} SYSTEM PUBLIC "${gen_root}")
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} protobuf::libprotobuf gRPC::grpc++)
endfunction()
