# nqe_add_proto_library(<target> <file.proto> [GRPC] [DEPENDS <proto targets...>]): C++ from a
# .proto under proto/, generated into the build tree so that sources include it as
# "proto/<name>.pb.h" (and, with GRPC, the service stubs as "proto/<name>.grpc.pb.h").
function(nqe_add_proto_library target proto_file)
  cmake_parse_arguments(ARG "GRPC" "" "DEPENDS" ${ARGN})
  get_filename_component(proto_name "${proto_file}" NAME_WE)
  get_filename_component(proto_dir "${proto_file}" DIRECTORY)
  file(RELATIVE_PATH proto_rel_dir "${CMAKE_SOURCE_DIR}" "${proto_dir}")
  set(gen_root "${CMAKE_BINARY_DIR}/generated")
  set(gen_base "${gen_root}/${proto_rel_dir}/${proto_name}")
  set(outputs "${gen_base}.pb.cc" "${gen_base}.pb.h")
  set(grpc_args "")
  set(grpc_deps "")
  set(link_libs protobuf::libprotobuf)
  if(ARG_GRPC)
    list(APPEND outputs "${gen_base}.grpc.pb.cc" "${gen_base}.grpc.pb.h")
    set(grpc_args --grpc_out "${gen_root}"
                  --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    set(grpc_deps gRPC::grpc_cpp_plugin)
    list(APPEND link_libs gRPC::grpc++)
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${gen_root}"
    COMMAND protobuf::protoc --cpp_out "${gen_root}" ${grpc_args} -I "${CMAKE_SOURCE_DIR}"
            "${proto_file}"
    DEPENDS "${proto_file}" protobuf::protoc ${grpc_deps}
    COMMENT "protoc ${proto_rel_dir}/${proto_name}.proto"
    VERBATIM)
  add_library(${target} STATIC ${outputs})
  target_compile_options(${target} PRIVATE -w)  # generated code is not ours to warn about
  target_include_directories(${target} SYSTEM PUBLIC "${gen_root}")
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} ${link_libs})
endfunction()
