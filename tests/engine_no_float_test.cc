// The inference path uses integer types only (DESIGN.md contract 2): no `float` or `double`
// token may appear in any source under edge_encoder/engine/.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace nqe {
namespace {

TEST(EngineNoFloatTest, NoFloatingPointTokensInEngineSources) {
  namespace fs = std::filesystem;
  const fs::path engine_dir = fs::path(NQE_SOURCE_DIR) / "edge_encoder" / "engine";
  ASSERT_TRUE(fs::is_directory(engine_dir)) << engine_dir;
  const std::regex forbidden(R"(\b(float|double|long\s+double|_Float\d+|__fp16|bfloat16)\b)");
  int files = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(engine_dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cc" && ext != ".cpp" && ext != ".hpp") continue;
    ++files;
    std::ifstream file(entry.path());
    std::string line;
    for (int number = 1; std::getline(file, line); ++number) {
      EXPECT_FALSE(std::regex_search(line, forbidden))
          << entry.path().string() << ":" << number << ": " << line;
    }
  }
  EXPECT_GE(files, 10) << "the engine sources moved?";
}

}  // namespace
}  // namespace nqe
