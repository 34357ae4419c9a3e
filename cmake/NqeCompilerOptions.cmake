# Language level, warnings and the optimisation baseline shared by every NQE target.
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
# -O2 rather than CMake's default -O3: the hot loops that need the vectoriser ask for it per file.
set(CMAKE_CXX_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Release flags" FORCE)

add_compile_options(-Wall -Wextra)
if(NQE_NATIVE)
  add_compile_options(-march=native)
else()
  # x86-64-v2 = SSE4.2/POPCNT: every x86 server and edge box of the last decade.
  add_compile_options(-march=x86-64-v2)
endif()

# Loops written for g++'s auto-vectoriser: -O2 uses the "very-cheap" cost model, which refuses
# any loop needing a scalar epilogue, so such files opt into the dynamic model.
function(nqe_vectorize)
  set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS
                              "-ftree-vectorize;-fvect-cost-model=dynamic")
endfunction()
