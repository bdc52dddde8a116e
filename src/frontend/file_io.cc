#include "frontend/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

// Closes a file descriptor when it goes out of scope, or on Close(), which reports the error a
// written file's last bytes can still meet (ENOSPC, EIO).
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) close(fd);
  }
  // 0, or the errno of a failed close.
  int Close() {
    const int result = close(fd);
    fd = -1;
    return result == 0 ? 0 : errno;
  }
};

}  // namespace

std::string ReadFileBytes(const std::string& path) {
  const auto fail = [&](int error) {
    return FrontendError(fmt::format("cannot open '{}': {}", path, std::strerror(error)));
  };
  const FileDescriptor file{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) throw fail(errno);
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(file.fd, buffer, sizeof buffer);
    if (n == 0) return bytes;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail(errno);  // EISDIR for a folder
    bytes.append(buffer, static_cast<size_t>(n));
  }
}

void WriteFileBytes(const std::string& path, std::string_view bytes, unsigned mode) {
  const auto fail = [&](const std::string& reason) {
    return FrontendError(fmt::format("cannot write '{}': {}", path, reason));
  };
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error)
      throw fail(fmt::format("cannot create folder '{}': {}", parent.string(), error.message()));
  }
  std::error_code no_status;
  const std::filesystem::file_status status = std::filesystem::status(path, no_status);
  if (std::filesystem::is_directory(status)) throw fail(std::strerror(EISDIR));
  // A device or a pipe (/dev/null, /dev/stdout) is written in place: a rename would replace it.
  const bool in_place =
      std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
  std::string target = path;
  FileDescriptor file{-1};
  if (in_place) {
    file.fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  } else {
    // A name no other writer uses; one that exists (a leftover, or a link planted there) is
    // skipped, never opened.
    static std::atomic<uint64_t> next = 0;
    for (int attempt = 0; attempt < 100 && file.fd < 0; ++attempt) {
      target = fmt::format("{}.tmp{}.{}", path, getpid(), next++);
      file.fd = open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (file.fd < 0 && errno != EEXIST) break;
    }
  }
  if (file.fd < 0) throw fail(std::strerror(errno));
  const auto fail_and_clean_up = [&](int error) {
    if (!in_place) unlink(target.c_str());
    return fail(std::strerror(error));
  };
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(file.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail_and_clean_up(errno);
    done += static_cast<size_t>(n);
  }
  if (const int error = file.Close(); error != 0) throw fail_and_clean_up(error);
  if (!in_place && rename(target.c_str(), path.c_str()) != 0) throw fail_and_clean_up(errno);
}

}  // namespace tensorstark::frontend
