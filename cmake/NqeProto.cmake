# nqe_add_proto_library(<target> <file.proto>): C++ from a .proto under proto/, generated into
# the build tree so that sources include it as "proto/<name>.pb.h".
function(nqe_add_proto_library target proto_file)
  get_filename_component(proto_name "${proto_file}" NAME_WE)
  get_filename_component(proto_dir "${proto_file}" DIRECTORY)
  file(RELATIVE_PATH proto_rel_dir "${CMAKE_SOURCE_DIR}" "${proto_dir}")
  set(gen_root "${CMAKE_BINARY_DIR}/generated")
  set(gen_base "${gen_root}/${proto_rel_dir}/${proto_name}")
  add_custom_command(
    OUTPUT "${gen_base}.pb.cc" "${gen_base}.pb.h"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${gen_root}"
    COMMAND protobuf::protoc --cpp_out "${gen_root}" -I "${CMAKE_SOURCE_DIR}" "${proto_file}"
    DEPENDS "${proto_file}" protobuf::protoc
    COMMENT "protoc ${proto_rel_dir}/${proto_name}.proto"
    VERBATIM)
  add_library(${target} STATIC "${gen_base}.pb.cc" "${gen_base}.pb.h")
  # Generated code is not ours to warn about.
  target_compile_options(${target} PRIVATE -w)
  target_include_directories(${target} SYSTEM PUBLIC "${gen_root}")
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
endfunction()
