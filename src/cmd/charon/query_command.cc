#include "cmd/charon/query_command.h"

#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cmd/charon/query_output.h"
#include "cmd/charon/selector.h"
#include "server/grpc/conversions.h"
#include "server/grpc/store_client.h"
#include "tsdb/labels.h"
#include "tsdb/xor_chunk.h"

namespace charon::cmd {
namespace {

struct QueryFlags {
  std::string store = "127.0.0.1:10901";
  std::string timeout = "2m";
  std::string tenant;
  std::string output = "text";
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key, tls_server_name;

  std::vector<std::string> selectors;  // positional
  std::vector<std::string> matcher_flags;
  std::string min_time, max_time;
  bool skip_chunks = false;
  bool decode = false;
  int64_t limit = 0;
  int64_t batch_size = 0;
  std::vector<std::string> without_replica_labels;
  bool hints = false;
  bool query_stats = false;
  std::string label;
  bool legacy_info = false;
};

absl::StatusOr<std::unique_ptr<server::grpc::StoreClient>> Connect(const QueryFlags& f) {
  server::grpc::StoreClientOptions o;
  o.address = f.store;
  if (!absl::ParseDuration(f.timeout, &o.timeout)) {
    return absl::InvalidArgumentError(absl::StrCat("bad --timeout \"", f.timeout, "\""));
  }
  o.tenant = f.tenant;
  o.tls = f.tls || !f.tls_ca.empty() || !f.tls_cert.empty();
  o.tls_ca_file = f.tls_ca;
  o.tls_cert_file = f.tls_cert;
  o.tls_key_file = f.tls_key;
  o.tls_server_name = f.tls_server_name;
  return server::grpc::StoreClient::Connect(std::move(o));
}

absl::Status AddMatchers(const QueryFlags& f,
                         google::protobuf::RepeatedPtrField<thanos::LabelMatcher>* out) {
  std::vector<std::string> all = f.selectors;
  all.insert(all.end(), f.matcher_flags.begin(), f.matcher_flags.end());
  for (const std::string& sel : all) {
    CHARON_ASSIGN_OR_RETURN(std::vector<SelectorMatcher> ms, ParseSelector(sel));
    for (const SelectorMatcher& m : ms) {
      thanos::LabelMatcher* pm = out->Add();
      pm->set_type(static_cast<thanos::LabelMatcher::Type>(m.type));
      pm->set_name(m.name);
      pm->set_value(m.value);
    }
  }
  return absl::OkStatus();
}

absl::Status TimeRange(const QueryFlags& f, int64_t* min, int64_t* max) {
  absl::Time now = absl::Now();
  *min = std::numeric_limits<int64_t>::min();
  *max = std::numeric_limits<int64_t>::max();
  if (!f.min_time.empty()) {
    CHARON_ASSIGN_OR_RETURN(*min, ParseTimeMs(f.min_time, now));
  }
  if (!f.max_time.empty()) {
    CHARON_ASSIGN_OR_RETURN(*max, ParseTimeMs(f.max_time, now));
  }
  return absl::OkStatus();
}

std::vector<std::string> BlockIds(const google::protobuf::RepeatedPtrField<hintspb::Block>& bs) {
  std::vector<std::string> out;
  for (const hintspb::Block& b : bs) out.push_back(b.id());
  return out;
}

absl::Status RunSeries(const QueryFlags& f) {
  thanos::SeriesRequest req;
  CHARON_RETURN_IF_ERROR(AddMatchers(f, req.mutable_matchers()));
  int64_t min = 0, max = 0;
  CHARON_RETURN_IF_ERROR(TimeRange(f, &min, &max));
  req.set_min_time(min);
  req.set_max_time(max);
  req.set_skip_chunks(f.skip_chunks);
  req.set_limit(f.limit);
  req.set_response_batch_size(f.batch_size);
  for (const std::string& l : f.without_replica_labels) req.add_without_replica_labels(l);
  if (f.hints || f.query_stats) {
    hintspb::SeriesRequestHints hints;
    hints.set_enable_query_stats(f.query_stats);
    req.mutable_hints()->PackFrom(hints);
  }
  CHARON_ASSIGN_OR_RETURN(auto client, Connect(f));
  CHARON_ASSIGN_OR_RETURN(server::grpc::SeriesCallResult res, client->Series(req));

  if (f.output == "json") {
    Json series = Json::array();
    for (const thanos::Series& s : res.series) {
      Json chunks = Json::array();
      for (const thanos::AggrChunk& c : s.chunks()) {
        Json jc = {{"min_time", c.min_time()}, {"max_time", c.max_time()}};
        for (const NamedChunk& nc : ChunksOf(c)) {
          Json part = {{"encoding", EncodingName(nc.chunk->type())},
                       {"bytes", nc.chunk->data().size()},
                       {"hash", nc.chunk->hash()}};
          if (f.decode) {
            absl::StatusOr<std::vector<tsdb::XorSample>> samples = Decode(*nc.chunk);
            if (samples.ok()) {
              Json js = Json::array();
              for (const tsdb::XorSample& x : *samples) js.push_back({x.t, FormatValue(x.v)});
              part["samples"] = std::move(js);
            } else {
              part["decode_error"] = samples.status().ToString();
            }
          }
          jc[std::string(nc.aggregate)] = std::move(part);
        }
        chunks.push_back(std::move(jc));
      }
      series.push_back({{"labels", LabelsJson(s.labels())}, {"chunks", std::move(chunks)}});
    }
    Json out = {{"series", std::move(series)}, {"warnings", res.warnings}};
    if (res.hints.has_value()) {
      Json h = {{"queried_blocks", BlockIds(res.hints->queried_blocks())}};
      if (res.hints->has_query_stats()) {
        std::string stats;
        google::protobuf::util::JsonPrintOptions opts;
        opts.preserve_proto_field_names = true;
        if (google::protobuf::util::MessageToJsonString(res.hints->query_stats(), &stats, opts)
                .ok()) {
          h["query_stats"] = Json::parse(stats, nullptr, /*allow_exceptions=*/false);
        }
      }
      out["hints"] = std::move(h);
    }
    std::cout << Dump(out) << "\n";
    return absl::OkStatus();
  }

  for (const thanos::Series& s : res.series) {
    std::cout << tsdb::LabelsToString(server::grpc::LabelsFromProto(s.labels())) << "\n";
    for (const thanos::AggrChunk& c : s.chunks()) {
      for (const NamedChunk& nc : ChunksOf(c)) {
        std::cout << absl::StreamFormat("  [%d, %d] %s %s %d bytes hash %016x\n", c.min_time(),
                                        c.max_time(), nc.aggregate, EncodingName(nc.chunk->type()),
                                        nc.chunk->data().size(), nc.chunk->hash());
        if (!f.decode) continue;
        absl::StatusOr<std::vector<tsdb::XorSample>> samples = Decode(*nc.chunk);
        if (!samples.ok()) {
          std::cout << "    cannot decode: " << samples.status() << "\n";
          continue;
        }
        for (const tsdb::XorSample& x : *samples) {
          std::cout << "    " << x.t << " " << FormatValue(x.v) << "\n";
        }
      }
    }
  }
  for (const std::string& w : res.warnings) std::cout << "warning: " << w << "\n";
  if (res.hints.has_value()) {
    std::cout << "queried blocks:";
    for (const hintspb::Block& b : res.hints->queried_blocks()) std::cout << " " << b.id();
    std::cout << "\n";
    if (res.hints->has_query_stats()) {
      std::cout << "query stats:\n" << res.hints->query_stats().DebugString();
    }
  }
  std::cerr << res.series.size() << " series\n";
  return absl::OkStatus();
}

void PrintValues(const QueryFlags& f, std::string_view key,
                 const google::protobuf::RepeatedPtrField<std::string>& values,
                 const google::protobuf::Any& any_hints) {
  std::vector<std::string> blocks;
  hintspb::LabelNamesResponseHints names_hints;
  hintspb::LabelValuesResponseHints values_hints;
  if (any_hints.UnpackTo(&names_hints)) blocks = BlockIds(names_hints.queried_blocks());
  if (any_hints.UnpackTo(&values_hints)) blocks = BlockIds(values_hints.queried_blocks());
  if (f.output == "json") {
    Json out = {{std::string(key), std::vector<std::string>(values.begin(), values.end())},
                {"queried_blocks", blocks}};
    std::cout << Dump(out) << "\n";
    return;
  }
  for (const std::string& v : values) std::cout << v << "\n";
}

// The fields LabelNames and LabelValues requests share: matchers, time range, limit, replica
// labels.
template <typename Request>
absl::Status FillLabelRequest(const QueryFlags& f, Request& req) {
  CHARON_RETURN_IF_ERROR(AddMatchers(f, req.mutable_matchers()));
  int64_t min = 0, max = 0;
  CHARON_RETURN_IF_ERROR(TimeRange(f, &min, &max));
  req.set_start(min);
  req.set_end(max);
  req.set_limit(f.limit);
  for (const std::string& l : f.without_replica_labels) req.add_without_replica_labels(l);
  return absl::OkStatus();
}

absl::Status RunLabelNames(const QueryFlags& f) {
  thanos::LabelNamesRequest req;
  CHARON_RETURN_IF_ERROR(FillLabelRequest(f, req));
  CHARON_ASSIGN_OR_RETURN(auto client, Connect(f));
  CHARON_ASSIGN_OR_RETURN(thanos::LabelNamesResponse resp, client->LabelNames(req));
  PrintValues(f, "names", resp.names(), resp.hints());
  return absl::OkStatus();
}

absl::Status RunLabelValues(const QueryFlags& f) {
  thanos::LabelValuesRequest req;
  req.set_label(f.label);
  CHARON_RETURN_IF_ERROR(FillLabelRequest(f, req));
  CHARON_ASSIGN_OR_RETURN(auto client, Connect(f));
  CHARON_ASSIGN_OR_RETURN(thanos::LabelValuesResponse resp, client->LabelValues(req));
  PrintValues(f, "values", resp.values(), resp.hints());
  return absl::OkStatus();
}

absl::Status RunInfo(const QueryFlags& f) {
  CHARON_ASSIGN_OR_RETURN(auto client, Connect(f));
  if (f.legacy_info) {
    CHARON_ASSIGN_OR_RETURN(thanos::InfoResponse resp, client->LegacyInfo());
    if (f.output == "json") {
      Json out = {{"store_type", thanos::StoreType_Name(resp.storetype())},
                  {"min_time", resp.min_time()},
                  {"max_time", resp.max_time()},
                  {"label_sets", LabelSetsJson(resp.label_sets())}};
      std::cout << Dump(out) << "\n";
      return absl::OkStatus();
    }
    std::cout << "store type: " << thanos::StoreType_Name(resp.storetype()) << "\n"
              << "min time: " << FormatTime(resp.min_time()) << "\n"
              << "max time: " << FormatTime(resp.max_time()) << "\n";
    PrintLabelSets(resp.label_sets());
    return absl::OkStatus();
  }
  CHARON_ASSIGN_OR_RETURN(thanos::info::InfoResponse resp, client->Info());
  const thanos::info::StoreInfo& s = resp.store();
  if (f.output == "json") {
    Json out = {{"component_type", resp.componenttype()},
                {"label_sets", LabelSetsJson(resp.label_sets())}};
    if (resp.has_store()) {
      Json tsdbs = Json::array();
      for (const thanos::info::TSDBInfo& t : s.tsdb_infos()) {
        tsdbs.push_back({{"labels", LabelsJson(t.labels().labels())},
                         {"min_time", t.min_time()},
                         {"max_time", t.max_time()}});
      }
      out["store"] = {{"min_time", s.min_time()},
                      {"max_time", s.max_time()},
                      {"supports_sharding", s.supports_sharding()},
                      {"supports_without_replica_labels", s.supports_without_replica_labels()},
                      {"tsdb_infos", std::move(tsdbs)}};
    }
    std::cout << Dump(out) << "\n";
    return absl::OkStatus();
  }
  std::cout << "component: " << resp.componenttype() << "\n";
  PrintLabelSets(resp.label_sets());
  if (resp.has_store()) {
    std::cout << "store:\n"
              << "  min time: " << FormatTime(s.min_time()) << "\n"
              << "  max time: " << FormatTime(s.max_time()) << "\n"
              << "  supports sharding: " << (s.supports_sharding() ? "yes" : "no") << "\n"
              << "  supports without_replica_labels: "
              << (s.supports_without_replica_labels() ? "yes" : "no") << "\n"
              << "  tsdb infos:\n";
    for (const thanos::info::TSDBInfo& t : s.tsdb_infos()) {
      std::cout << "    "
                << tsdb::LabelsToString(server::grpc::LabelsFromProto(t.labels().labels())) << " ["
                << t.min_time() << ", " << t.max_time() << "]\n";
    }
  }
  return absl::OkStatus();
}

// Runs `fn` as a subcommand's action: errors go to stderr and become exit code 1.
void Run(absl::Status (*fn)(const QueryFlags&), const QueryFlags& flags) {
  absl::Status s = fn(flags);
  if (!s.ok()) {
    std::cerr << "charon query: " << s << "\n";
    throw CLI::RuntimeError(1);
  }
}

void AddRangeFlags(CLI::App* cmd, QueryFlags* f) {
  cmd->add_option("--matcher,-m", f->matcher_flags,
                  "Series selector, e.g. 'up{job=~\"a.*\"}' (repeatable; matchers are ANDed)");
  cmd->add_option("--min-time", f->min_time,
                  "Start: milliseconds, RFC 3339, or a duration relative to now (-2h)");
  cmd->add_option("--max-time", f->max_time,
                  "End: milliseconds, RFC 3339, or a duration relative to now");
  cmd->add_option("--limit", f->limit, "At most this many results (0 = all)");
  cmd->add_option("--without-replica-label", f->without_replica_labels,
                  "Label to remove from results, deduplicating (repeatable)");
}

}  // namespace

absl::StatusOr<int64_t> ParseTimeMs(std::string_view s, absl::Time now) {
  int64_t ms = 0;
  if (absl::SimpleAtoi(base::Absl(s), &ms)) return ms;
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, base::Absl(s), &t, &err)) return absl::ToUnixMillis(t);
  absl::Duration d;
  if (absl::ParseDuration(base::Absl(s), &d)) return absl::ToUnixMillis(now + d);
  return absl::InvalidArgumentError(
      absl::StrCat("bad time \"", base::Absl(s),
                   "\": want milliseconds, RFC 3339 (2006-01-02T15:04:05Z) or a duration (-2h)"));
}

void AddQueryCommand(CLI::App& app) {
  auto flags = std::make_shared<QueryFlags>();
  QueryFlags* f = flags.get();
  CLI::App* query = app.add_subcommand("query", "Query a StoreAPI server (series, labels, info)");
  query->require_subcommand(1);
  query->add_option("--store", f->store, "StoreAPI address host:port")->capture_default_str();
  query->add_option("--timeout", f->timeout, "Per-call timeout")->capture_default_str();
  query->add_option("--tenant", f->tenant, "Tenant sent as thanos-tenant metadata");
  query->add_option("--output,-o", f->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  query->add_flag("--tls", f->tls, "Connect with TLS");
  query->add_option("--tls-ca", f->tls_ca, "CA certificate file for the server certificate");
  query->add_option("--tls-cert", f->tls_cert, "Client certificate file");
  query->add_option("--tls-key", f->tls_key, "Client key file");
  query->add_option("--tls-server-name", f->tls_server_name, "Server name to verify");

  CLI::App* series = query->add_subcommand("series", "Stream the series matching selectors");
  series->fallthrough();
  series->add_option("selector", f->selectors, "Series selectors, e.g. 'up{job=\"a\"}'");
  AddRangeFlags(series, f);
  series->add_flag("--skip-chunks", f->skip_chunks, "Labels only");
  series->add_flag("--decode", f->decode, "Print the samples of XOR chunks");
  series->add_option("--batch-size", f->batch_size,
                     "Ask for batch frames of this many series (response_batch_size)");
  series->add_flag("--hints", f->hints, "Send request hints; print the queried blocks");
  series->add_flag("--query-stats", f->query_stats, "Ask for query stats (implies --hints)");
  series->callback([flags] { Run(RunSeries, *flags); });

  CLI::App* names = query->add_subcommand("label-names", "List label names");
  names->fallthrough();
  names->add_option("selector", f->selectors, "Series selectors restricting the names");
  AddRangeFlags(names, f);
  names->callback([flags] { Run(RunLabelNames, *flags); });

  CLI::App* values = query->add_subcommand("label-values", "List the values of one label");
  values->fallthrough();
  values->add_option("label", f->label, "Label name")->required();
  values->add_option("selector", f->selectors, "Series selectors restricting the values");
  AddRangeFlags(values, f);
  values->callback([flags] { Run(RunLabelValues, *flags); });

  CLI::App* info = query->add_subcommand("info", "Show what the store advertises");
  info->fallthrough();
  info->add_flag("--legacy-info", f->legacy_info,
                 "Call thanos.Store/Info (queriers up to v0.36) instead of thanos.info.Info/Info");
  info->callback([flags] { Run(RunInfo, *flags); });
}

}  // namespace charon::cmd
