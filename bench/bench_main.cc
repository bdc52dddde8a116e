// Entry point of every benchmark suite: records the SIMD level and the CPU in the JSON context,
// so every number in bench/results/ says what it was measured on.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

namespace {

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("simd_level", TENSORSTARK_SIMD_LEVEL_NAME);
  benchmark::AddCustomContext("cpu_model", CpuModel());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
