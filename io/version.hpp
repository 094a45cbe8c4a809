// Program version and the git commit it was built from (generated at build time).
#pragma once

namespace innosim::io {
[[nodiscard]] const char* program_version();
/// 40-hex commit, with "-dirty" when tracked files had uncommitted changes; "unknown" outside git.
[[nodiscard]] const char* git_commit();
}  // namespace innosim::io
