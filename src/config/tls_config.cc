#include "config/tls_config.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::config {
namespace {

absl::Status CheckReadable(const std::string& path, std::string_view what, std::string_view key) {
  if (path.empty()) return absl::OkStatus();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(base::Absl(what), ".", base::Absl(key), ": cannot read ", path));
  }
  std::fclose(f);
  return absl::OkStatus();
}

}  // namespace

std::set<std::string> TlsConfigKeys() {
  return {"ca_file",  "trust_root_ca", "cert_file",
          "key_file", "server_name",   "insecure_skip_verify"};
}

absl::StatusOr<TlsConfig> ParseTlsConfig(const YamlMap& map) {
  TlsConfig tls;
  CHARON_RETURN_IF_ERROR(map.String("ca_file", &tls.ca_file));
  CHARON_RETURN_IF_ERROR(map.Bool("trust_root_ca", &tls.trust_root_ca));
  CHARON_RETURN_IF_ERROR(map.String("cert_file", &tls.cert_file));
  CHARON_RETURN_IF_ERROR(map.String("key_file", &tls.key_file));
  CHARON_RETURN_IF_ERROR(map.String("server_name", &tls.server_name));
  CHARON_RETURN_IF_ERROR(map.Bool("insecure_skip_verify", &tls.insecure_skip_verify));
  if (!tls.cert_file.empty() && tls.key_file.empty()) {
    return map.KeyError("cert_file", "is set without key_file");
  }
  if (!tls.key_file.empty() && tls.cert_file.empty()) {
    return map.KeyError("key_file", "is set without cert_file");
  }
  return tls;
}

absl::Status CheckTlsFilesReadable(const TlsConfig& tls, std::string_view what) {
  CHARON_RETURN_IF_ERROR(CheckReadable(tls.ca_file, what, "ca_file"));
  CHARON_RETURN_IF_ERROR(CheckReadable(tls.cert_file, what, "cert_file"));
  return CheckReadable(tls.key_file, what, "key_file");
}

}  // namespace charon::config
