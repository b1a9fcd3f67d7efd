#include "base/logging.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "base/strings.h"
#include "spdlog/logger.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace charon::base {
namespace {

// Go's RFC3339Nano with UTC: trailing zeros of the fraction are dropped, like Thanos'
// log.DefaultTimestampUTC.
std::string FormatTimestamp(absl::Time ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", ts, absl::UTCTimeZone());
}

bool LogfmtNeedsQuotes(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

// Escapes for a double-quoted string; the same rules serve logfmt and JSON.
void AppendEscaped(std::string* out, std::string_view v) {
  for (unsigned char c : v) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
}

void AppendLogfmt(std::string* out, std::string_view key, std::string_view value, bool is_null) {
  if (!out->empty()) out->push_back(' ');
  out->append(key);
  out->push_back('=');
  if (is_null) {
    out->append("null");
  } else if (LogfmtNeedsQuotes(value)) {
    out->push_back('"');
    AppendEscaped(out, value);
    out->push_back('"');
  } else {
    out->append(value);
  }
}

void AppendJson(std::string* out, std::string_view key, std::string_view value,
                LogField::Kind kind) {
  if (out->size() > 1) out->push_back(',');  // past the opening brace
  out->push_back('"');
  AppendEscaped(out, key);
  out->append("\":");
  switch (kind) {
    case LogField::Kind::kNull:
      out->append("null");
      break;
    case LogField::Kind::kBool:
    case LogField::Kind::kNumber:
      out->append(value);
      break;
    case LogField::Kind::kString:
      out->push_back('"');
      AppendEscaped(out, value);
      out->push_back('"');
      break;
  }
}

spdlog::level::level_enum SpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kDebug:
      return spdlog::level::debug;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> NewLogger(std::ostream* out) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (out == nullptr) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out, /*force_flush=*/true);
  }
  auto logger = std::make_shared<spdlog::logger>("charon", std::move(sink));
  // Records are formatted here; spdlog only serializes whole lines onto the sink.
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

struct LoggerState {
  absl::Mutex mu;
  std::shared_ptr<spdlog::logger> logger ABSL_GUARDED_BY(mu);
  LogOptions options ABSL_GUARDED_BY(mu);
  // Read without the mutex on every call to filter cheaply.
  std::atomic<int> level{static_cast<int>(LogLevel::kInfo)};
};

LoggerState& State() {
  // Never destroyed, so logging from static destructors and detached threads stays safe.
  static LoggerState* state = [] {
    auto* s = new LoggerState;
    absl::MutexLock lock(&s->mu);
    s->logger = NewLogger(nullptr);
    return s;
  }();
  return *state;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "error") return LogLevel::kError;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "info") return LogLevel::kInfo;
  if (s == "debug") return LogLevel::kDebug;
  return absl::InvalidArgumentError(
      absl::StrCat("log level must be one of error, warn, info, debug; got \"", Absl(s), "\""));
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view s) {
  if (s == "logfmt") return LogFormat::kLogfmt;
  if (s == "json") return LogFormat::kJson;
  if (s == "journald") return LogFormat::kJournald;
  return absl::InvalidArgumentError(
      absl::StrCat("log format must be one of logfmt, json, journald; got \"", Absl(s), "\""));
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "unknown";
}

LogField::LogField(std::string_view key, std::string_view value)
    : key_(key), value_(value), kind_(Kind::kString) {}

LogField::LogField(std::string_view key, bool value)
    : key_(key), value_(value ? "true" : "false"), kind_(Kind::kBool) {}

LogField::LogField(std::string_view key, double value)
    : key_(key), value_(absl::StrCat(value)), kind_(Kind::kNumber) {}

LogField::LogField(std::string_view key, const absl::Status& status)
    : key_(key),
      value_(status.ok() ? "" : status.ToString()),
      kind_(status.ok() ? Kind::kNull : Kind::kString) {}

LogField::LogField(std::string_view key, absl::Duration value)
    : key_(key), value_(absl::FormatDuration(value)), kind_(Kind::kString) {}

LogField::LogField(std::string_view key, absl::Time value)
    : key_(key), value_(FormatTimestamp(value)), kind_(Kind::kString) {}

std::string FormatLogRecord(const LogOptions& options, LogLevel level, absl::Time ts,
                            std::string_view caller, std::string_view msg,
                            std::initializer_list<LogField> fields) {
  return FormatLogRecord(options, level, ts, caller, msg, fields.begin(), fields.size());
}

std::string FormatLogRecord(const LogOptions& options, LogLevel level, absl::Time ts,
                            std::string_view caller, std::string_view msg,
                            const LogField* field_data, size_t num_fields) {
  const absl::Span<const LogField> fields(field_data, num_fields);
  std::string out;
  out.reserve(128);
  const std::string ts_text = FormatTimestamp(ts);
  if (options.format == LogFormat::kJson) {
    out.push_back('{');
    AppendJson(&out, "level", LogLevelName(level), LogField::Kind::kString);
    AppendJson(&out, "ts", ts_text, LogField::Kind::kString);
    AppendJson(&out, "caller", caller, LogField::Kind::kString);
    if (!options.name.empty()) AppendJson(&out, "name", options.name, LogField::Kind::kString);
    AppendJson(&out, "msg", msg, LogField::Kind::kString);
    for (const LogField& f : fields) AppendJson(&out, f.key(), f.value(), f.kind());
    out.push_back('}');
    return out;
  }
  AppendLogfmt(&out, "level", LogLevelName(level), false);
  AppendLogfmt(&out, "ts", ts_text, false);
  AppendLogfmt(&out, "caller", caller, false);
  if (!options.name.empty()) AppendLogfmt(&out, "name", options.name, false);
  AppendLogfmt(&out, "msg", msg, false);
  for (const LogField& f : fields) {
    AppendLogfmt(&out, f.key(), f.value(), f.kind() == LogField::Kind::kNull);
  }
  return out;
}

void InitLogging(const LogOptions& options, std::ostream* out) {
  LoggerState& state = State();
  auto logger = NewLogger(out);
  absl::MutexLock lock(&state.mu);
  state.logger = std::move(logger);
  state.options = options;
  state.level.store(static_cast<int>(options.level), std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= State().level.load(std::memory_order_relaxed);
}

namespace {

void LogRecord(LogLevel level, std::string_view msg, const LogField* fields, size_t num_fields,
               SourceLoc loc) {
  if (!LogEnabled(level)) return;
  LoggerState& state = State();
  std::shared_ptr<spdlog::logger> logger;
  LogOptions options;
  {
    absl::ReaderMutexLock lock(&state.mu);
    logger = state.logger;
    options = state.options;
  }
  const std::string caller = absl::StrCat(Absl(BaseName(loc.file_name())), ":", loc.line());
  const std::string line =
      FormatLogRecord(options, level, absl::Now(), caller, msg, fields, num_fields);
  logger->log(SpdlogLevel(level), "{}", line);
}

}  // namespace

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields,
         SourceLoc loc) {
  LogRecord(level, msg, fields.begin(), fields.size(), loc);
}

void Log(LogLevel level, std::string_view msg, const std::vector<LogField>& fields, SourceLoc loc) {
  LogRecord(level, msg, fields.data(), fields.size(), loc);
}

}  // namespace charon::base
