#include "tsdb/block_meta.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::tsdb {
namespace {

using Json = nlohmann::json;

// Field readers: absent or null keys leave the target untouched (Go's omitempty); a present key of
// the wrong type is InvalidArgument naming `path`.

absl::Status Bad(std::string_view path, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("meta.json: ", base::Absl(path), ": ", base::Absl(why)));
}

const Json* Field(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status GetInt(const Json& obj, const char* key, std::string_view path, int64_t* out) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Bad(path, "integer out of range");
    }
    *out = static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    *out = v->get<int64_t>();
  } else {
    return Bad(path, "not an integer");
  }
  return absl::OkStatus();
}

absl::Status GetUint(const Json& obj, const char* key, std::string_view path, uint64_t* out) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_number_unsigned()) return Bad(path, "not a non-negative integer");
  *out = v->get<uint64_t>();
  return absl::OkStatus();
}

absl::Status GetSmallInt(const Json& obj, const char* key, std::string_view path, int* out) {
  int64_t v = *out;
  if (absl::Status s = GetInt(obj, key, path, &v); !s.ok()) return s;
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    return Bad(path, "integer out of range");
  }
  *out = static_cast<int>(v);
  return absl::OkStatus();
}

absl::Status GetBool(const Json& obj, const char* key, std::string_view path, bool* out) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_boolean()) return Bad(path, "not a boolean");
  *out = v->get<bool>();
  return absl::OkStatus();
}

absl::Status GetString(const Json& obj, const char* key, std::string_view path, std::string* out) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return Bad(path, "not a string");
  *out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetStrings(const Json& obj, const char* key, std::string_view path,
                        std::vector<std::string>* out) {
  const Json* v = Field(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_array()) return Bad(path, "not an array");
  for (const Json& e : *v) {
    if (!e.is_string()) return Bad(path, "element is not a string");
    out->push_back(e.get<std::string>());
  }
  return absl::OkStatus();
}

absl::Status ParseUlid(const Json& v, std::string_view path, base::Ulid* out) {
  if (!v.is_string()) return Bad(path, "not a string");
  auto u = base::Ulid::Parse(v.get<std::string>());
  if (!u.ok()) return Bad(path, base::Std(u.status().message()));
  *out = *u;
  return absl::OkStatus();
}

absl::Status ParseCompaction(const Json& c, BlockMeta::Compaction* out) {
  if (!c.is_object()) return Bad("compaction", "not an object");
  CHARON_RETURN_IF_ERROR(GetSmallInt(c, "level", "compaction.level", &out->level));
  if (const Json* s = Field(c, "sources")) {
    if (!s->is_array()) return Bad("compaction.sources", "not an array");
    for (const Json& e : *s) {
      CHARON_RETURN_IF_ERROR(ParseUlid(e, "compaction.sources", &out->sources.emplace_back()));
    }
  }
  if (const Json* p = Field(c, "parents")) {
    if (!p->is_array()) return Bad("compaction.parents", "not an array");
    for (const Json& e : *p) {
      if (!e.is_object() || !e.contains("ulid")) {
        return Bad("compaction.parents", "element without ulid");
      }
      CHARON_RETURN_IF_ERROR(
          ParseUlid(e["ulid"], "compaction.parents.ulid", &out->parents.emplace_back()));
    }
  }
  CHARON_RETURN_IF_ERROR(GetBool(c, "deletable", "compaction.deletable", &out->deletable));
  CHARON_RETURN_IF_ERROR(GetBool(c, "failed", "compaction.failed", &out->failed));
  return GetStrings(c, "hints", "compaction.hints", &out->hints);
}

absl::Status ParseThanos(const Json& t, BlockMeta* m) {
  if (!t.is_object()) return Bad("thanos", "not an object");
  m->has_thanos = true;
  if (const Json* l = Field(t, "labels")) {
    if (!l->is_object()) return Bad("thanos.labels", "not an object");
    for (const auto& [k, v] : l->items()) {
      if (!v.is_string())
        return Bad("thanos.labels", absl::StrCat("value of ", k, " not a string"));
      m->external_labels[k] = v.get<std::string>();
    }
  }
  if (const Json* d = Field(t, "downsample")) {
    if (!d->is_object()) return Bad("thanos.downsample", "not an object");
    CHARON_RETURN_IF_ERROR(
        GetInt(*d, "resolution", "thanos.downsample.resolution", &m->downsample_resolution));
  }
  CHARON_RETURN_IF_ERROR(GetString(t, "source", "thanos.source", &m->source));
  CHARON_RETURN_IF_ERROR(GetStrings(t, "segment_files", "thanos.segment_files", &m->segment_files));
  if (const Json* f = Field(t, "files")) {
    if (!f->is_array()) return Bad("thanos.files", "not an array");
    for (const Json& e : *f) {
      if (!e.is_object()) return Bad("thanos.files", "element not an object");
      BlockFile& bf = m->files.emplace_back();
      CHARON_RETURN_IF_ERROR(GetString(e, "rel_path", "thanos.files.rel_path", &bf.rel_path));
      CHARON_RETURN_IF_ERROR(GetInt(e, "size_bytes", "thanos.files.size_bytes", &bf.size_bytes));
    }
  }
  if (const Json* s = Field(t, "index_stats")) {
    if (!s->is_object()) return Bad("thanos.index_stats", "not an object");
    CHARON_RETURN_IF_ERROR(
        GetInt(*s, "series_max_size", "thanos.index_stats.series_max_size", &m->series_max_size));
    CHARON_RETURN_IF_ERROR(
        GetInt(*s, "chunk_max_size", "thanos.index_stats.chunk_max_size", &m->chunk_max_size));
  }
  std::string upload;
  CHARON_RETURN_IF_ERROR(GetString(t, "upload_time", "thanos.upload_time", &upload));
  // Go writes the zero time.Time as "0001-01-01T00:00:00Z" when the field was never set.
  if (!upload.empty() && upload != "0001-01-01T00:00:00Z") {
    absl::Time at;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, upload, &at, &err)) {
      return Bad("thanos.upload_time", err);
    }
    m->upload_time = at;
  }
  return absl::OkStatus();
}

absl::Status ParseInto(const Json& j, BlockMeta* m) {
  if (!j.is_object()) return Bad("(top level)", "not an object");
  const Json* ulid = Field(j, "ulid");
  if (ulid == nullptr) return Bad("ulid", "missing");
  CHARON_RETURN_IF_ERROR(ParseUlid(*ulid, "ulid", &m->ulid));
  CHARON_RETURN_IF_ERROR(GetInt(j, "minTime", "minTime", &m->min_time));
  CHARON_RETURN_IF_ERROR(GetInt(j, "maxTime", "maxTime", &m->max_time));
  if (m->min_time > m->max_time) return Bad("minTime", "greater than maxTime");
  CHARON_RETURN_IF_ERROR(GetSmallInt(j, "version", "version", &m->version));
  if (const Json* s = Field(j, "stats")) {
    if (!s->is_object()) return Bad("stats", "not an object");
    BlockMeta::Stats& st = m->stats;
    CHARON_RETURN_IF_ERROR(GetUint(*s, "numSamples", "stats.numSamples", &st.num_samples));
    CHARON_RETURN_IF_ERROR(
        GetUint(*s, "numFloatSamples", "stats.numFloatSamples", &st.num_float_samples));
    CHARON_RETURN_IF_ERROR(
        GetUint(*s, "numHistogramSamples", "stats.numHistogramSamples", &st.num_histogram_samples));
    CHARON_RETURN_IF_ERROR(GetUint(*s, "numSeries", "stats.numSeries", &st.num_series));
    CHARON_RETURN_IF_ERROR(GetUint(*s, "numChunks", "stats.numChunks", &st.num_chunks));
    CHARON_RETURN_IF_ERROR(GetUint(*s, "numTombstones", "stats.numTombstones", &st.num_tombstones));
  }
  if (const Json* c = Field(j, "compaction")) {
    CHARON_RETURN_IF_ERROR(ParseCompaction(*c, &m->compaction));
  }
  if (const Json* t = Field(j, "thanos")) CHARON_RETURN_IF_ERROR(ParseThanos(*t, m));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BlockMeta> ParseBlockMeta(std::string_view json) {
  BlockMeta meta;
  // nlohmann-json reports errors by exception; they stop here.
  try {
    Json j = Json::parse(json.begin(), json.end());
    CHARON_RETURN_IF_ERROR(ParseInto(j, &meta));
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("meta.json: ", e.what()));
  }
  meta.raw_json = std::string(json);
  return meta;
}

}  // namespace charon::tsdb
