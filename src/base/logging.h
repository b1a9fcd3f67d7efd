// Structured, leveled logging with Thanos-compatible output.
//
// One call per record: a level, a constant message and key/value fields.
//
//   base::LogInfo("loaded new block", {{"id", id}, {"elapsed", elapsed}});
//   base::LogWarn("syncing blocks failed", {{"err", status}});
//   base::Log(base::LogLevel::kDebug, "series call", {{"matchers", m}, {"series", n}});
//
// Field values may be strings, integers, floating point numbers, bools, absl::Status (an OK status
// prints as null, like a nil Go error), absl::Duration and absl::Time. The caller (file:line) is
// taken from the call site.
//
// Output, one line per record on stderr (or the stream given to InitLogging):
//   logfmt:  level=info ts=2026-01-02T15:04:05.123456Z caller=store.cc:12 msg="loaded new block"
//   id=01H... json:
//   {"level":"info","ts":"2026-01-02T15:04:05.123456Z","caller":"store.cc:12","msg":"...","id":"01H..."}
// Thanos' JSON logger sorts keys (Go map encoding); Charon keeps the logfmt order instead, which
// JSON consumers do not see and humans read more easily.
//
// Thread-safety: every function here may be called from any thread at any time; records are
// written whole, never interleaved. InitLogging replaces the process-wide logger: logging is the
// one piece of process-wide state in Charon, configured once by the composition root. Before
// InitLogging runs, records go to stderr as logfmt at level info.
#ifndef CHARON_BASE_LOGGING_H_
#define CHARON_BASE_LOGGING_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace charon::base {

// Where a log call was made. Debian's clang 14 has no std::source_location, so this uses the
// builtins both compilers have; as default arguments they yield the caller's file and line.
class SourceLoc {
 public:
  constexpr SourceLoc(const char* file = __builtin_FILE(), int line = __builtin_LINE())
      : file_(file), line_(line) {}
  constexpr const char* file_name() const { return file_; }
  constexpr int line() const { return line_; }

 private:
  const char* file_;
  int line_;
};

// Ordered by verbosity: a logger at level L prints records of level <= L.
enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// kJournald is accepted for Thanos compatibility and prints logfmt.
enum class LogFormat { kLogfmt, kJson, kJournald };

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kLogfmt;
  // When not empty every record carries name=<name> (Thanos --debug.name).
  std::string name;
};

// InvalidArgument unless `s` is one of error, warn, info, debug.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view s);
// InvalidArgument unless `s` is one of logfmt, json, journald.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view s);
std::string_view LogLevelName(LogLevel level);

// One key/value pair of a record. Implicitly constructible so that fields read as
// {{"key", value}, ...}. Keeps its own copy of the value.
class LogField {
 public:
  enum class Kind { kString, kNumber, kBool, kNull };

  LogField(std::string_view key, std::string_view value);
  LogField(std::string_view key, const char* value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value)
      : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, absl::string_view value)
      : LogField(key, std::string_view(value.data(), value.size())) {}
  LogField(std::string_view key, bool value);
  template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
      LogField(std::string_view key, T value)
      : key_(key), value_(std::to_string(value)), kind_(Kind::kNumber) {}
  LogField(std::string_view key, double value);
  LogField(std::string_view key, const absl::Status& status);
  LogField(std::string_view key, absl::Duration value);
  LogField(std::string_view key, absl::Time value);

  const std::string& key() const { return key_; }
  const std::string& value() const { return value_; }
  Kind kind() const { return kind_; }

 private:
  std::string key_;
  std::string value_;
  Kind kind_;
};

// Replaces the process-wide logger. `out` == nullptr writes to stderr; otherwise records go to
// `out`, which must outlive every later log call (tests pass a std::ostringstream and call
// InitLogging again before it dies).
void InitLogging(const LogOptions& options, std::ostream* out = nullptr);

// True when a record of `level` would be printed; lets callers skip building expensive fields.
bool LogEnabled(LogLevel level);

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {},
         SourceLoc loc = SourceLoc());
// For callers whose fields are known only at run time (adapters of other libraries' loggers).
void Log(LogLevel level, std::string_view msg, const std::vector<LogField>& fields,
         SourceLoc loc = SourceLoc());

inline void LogError(std::string_view msg, std::initializer_list<LogField> fields = {},
                     SourceLoc loc = SourceLoc()) {
  Log(LogLevel::kError, msg, fields, loc);
}
inline void LogWarn(std::string_view msg, std::initializer_list<LogField> fields = {},
                    SourceLoc loc = SourceLoc()) {
  Log(LogLevel::kWarn, msg, fields, loc);
}
inline void LogInfo(std::string_view msg, std::initializer_list<LogField> fields = {},
                    SourceLoc loc = SourceLoc()) {
  Log(LogLevel::kInfo, msg, fields, loc);
}
inline void LogDebug(std::string_view msg, std::initializer_list<LogField> fields = {},
                     SourceLoc loc = SourceLoc()) {
  Log(LogLevel::kDebug, msg, fields, loc);
}

// The line (without newline) that Log writes for a record; exposed for tests and for callers that
// need the exact text. `caller` is "file.cc:12".
std::string FormatLogRecord(const LogOptions& options, LogLevel level, absl::Time ts,
                            std::string_view caller, std::string_view msg,
                            std::initializer_list<LogField> fields);
std::string FormatLogRecord(const LogOptions& options, LogLevel level, absl::Time ts,
                            std::string_view caller, std::string_view msg, const LogField* fields,
                            size_t num_fields);

}  // namespace charon::base

#endif  // CHARON_BASE_LOGGING_H_
