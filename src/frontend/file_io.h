// Reading and writing whole files, with errors that say why: `cannot open 'X': No such file or
// directory`, `cannot write 'X': Permission denied`.
#pragma once

#include <string>
#include <string_view>

namespace tensorstark::frontend {

// The file's bytes. Throws FrontendError naming the path and the reason.
std::string ReadFileBytes(const std::string& path);

// Writes `bytes` to `path`, creating its missing parent folders. The bytes go to a temporary file
// next to it, created exclusively (never one that exists, nor through a link planted under its
// name) with `mode` (less the umask), that is renamed over `path` once complete, so a failed
// write leaves any earlier file as it was (a device or a pipe, such as /dev/stdout, is written in
// place). Throws FrontendError naming the path and the reason.
void WriteFileBytes(const std::string& path, std::string_view bytes, unsigned mode = 0644);

}  // namespace tensorstark::frontend
