// docs/operators.md lists every op type the frontend takes: the ones the quantizer proves, and the
// ones it only folds at import. Its lists must be the code's, so the documentation cannot promise
// an operator the quantizer refuses (or leave out one it proves).
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "frontend/expand.h"
#include "frontend/onnx_ml.h"
#include "frontend/ops.h"
#include "frontend/quantize.h"

namespace tensorstark::frontend {
namespace {

// The op types named in the first column of the tables under the heading `section` ("## ...").
std::set<std::string> DocumentedOps(const std::string& section) {
  std::ifstream doc(std::string(TENSORSTARK_DOCS) + "/operators.md");
  REQUIRE(doc);
  std::set<std::string> ops;
  bool inside = false;
  const std::regex row(R"(^\| `([A-Za-z]+)`)");
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("## ", 0) == 0) inside = line == section;
    std::smatch match;
    if (inside && std::regex_search(line, match, row)) ops.insert(match[1]);
  }
  return ops;
}

std::string Difference(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string text;
  for (const std::string& x : a) {
    if (!b.count(x)) text += " " + x;
  }
  return text;
}

TEST_CASE("docs/operators.md lists the op types the code supports, and which ones it proves") {
  const std::vector<std::string> quantizable = QuantizableOpTypes();
  const std::set<std::string> proved(quantizable.begin(), quantizable.end());
  std::set<std::string> folded;
  for (const std::string& type : SupportedOpTypes()) {
    if (!proved.count(type)) folded.insert(type);
  }
  const std::set<std::string> doc_proved = DocumentedOps("## Operators that are proved");
  const std::set<std::string> doc_folded = DocumentedOps("## Operators on constants only");
  INFO("proved, missing from the doc:", Difference(proved, doc_proved));
  INFO("listed as proved, not proved:", Difference(doc_proved, proved));
  INFO("folded only, missing from the doc:", Difference(folded, doc_folded));
  INFO("listed as folded, not supported or proved:", Difference(doc_folded, folded));
  CHECK(doc_proved == proved);
  CHECK(doc_folded == folded);
}

// The table under `section` lists exactly `types`.
void CheckSection(const std::vector<std::string>& types, const std::string& section) {
  const std::set<std::string> code(types.begin(), types.end());
  const std::set<std::string> documented = DocumentedOps(section);
  INFO(section, ": in the code, missing from the doc: ", Difference(code, documented));
  INFO(section, ": documented, not in the code: ", Difference(documented, code));
  CHECK(documented == code);
}

TEST_CASE("docs/operators.md lists the op types expanded at import") {
  CheckSection(ExpandedOpTypes(), "## Operators expanded at import");
}

TEST_CASE("docs/operators.md lists the ai.onnx.ml op types lowered at import") {
  CheckSection(OnnxMlOpTypes(), "## Classical ML (domain ai.onnx.ml)");
}

}  // namespace
}  // namespace tensorstark::frontend
