// The `tls_config` map Thanos reads wherever it dials a server over TLS: an objstore's
// `http_config.tls_config` and a redis cache's `config.tls_config`.
#ifndef CHARON_CONFIG_TLS_CONFIG_H_
#define CHARON_CONFIG_TLS_CONFIG_H_

#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/yaml_fields.h"

namespace charon::config {

struct TlsConfig {
  std::string ca_file{};    // PEM roots to verify the server with; "" = the system's roots
  std::string cert_file{};  // client certificate (mutual TLS), with key_file
  std::string key_file{};
  std::string server_name{};  // SNI and certificate name check override; "" = the dialed host
  bool insecure_skip_verify = false;
  // With `ca_file`: also trust the system's roots (otherwise only `ca_file`).
  bool trust_root_ca = false;
};

// The keys ParseTlsConfig reads.
std::set<std::string> TlsConfigKeys();

// Reads the keys above (the caller decides what other keys mean: an error or a warning).
// InvalidArgument for malformed values and, as Thanos refuses them, a cert_file without a
// key_file or the other way round.
absl::StatusOr<TlsConfig> ParseTlsConfig(const YamlMap& map);

// InvalidArgument "<what>.<key>: cannot read <path>" for the first of ca_file, cert_file and
// key_file that is set but cannot be opened, so that a typo fails at start-up, not on the first
// connection.
absl::Status CheckTlsFilesReadable(const TlsConfig& tls, std::string_view what);

}  // namespace charon::config

#endif  // CHARON_CONFIG_TLS_CONFIG_H_
