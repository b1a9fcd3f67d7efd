#include "objstore/azure/azure_config.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::objstore::azure {
namespace {

using config::YamlMap;

// The emulator's documented development account.
constexpr char kDevAccount[] = "devstoreaccount1";
constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

absl::Status Unsupported(const YamlMap& map, const std::string& key, std::string_view what) {
  return absl::UnimplementedError(
      absl::StrCat(map.source(), ": ", map.KeyPath(key), " ", base::Absl(what)));
}

bool ValidBase64(std::string_view s) {
  std::string raw;
  return !s.empty() && absl::Base64Unescape(base::Absl(s), &raw) && !raw.empty();
}

}  // namespace

absl::StatusOr<AzureConfig> ParseAzureConfig(const YamlMap& map) {
  CHARON_RETURN_IF_ERROR(
      map.AllowOnly({"storage_account", "storage_account_key", "storage_connection_string",
                     "storage_create_container", "container", "endpoint", "user_assigned_id",
                     "msi_resource", "az_tenant_id", "client_id", "client_secret", "max_retries",
                     "reader_config", "pipeline_config", "http_config"}));
  AzureConfig c;
  CHARON_RETURN_IF_ERROR(map.String("storage_account", &c.storage_account));
  CHARON_RETURN_IF_ERROR(map.String("storage_account_key", &c.storage_account_key));
  CHARON_RETURN_IF_ERROR(map.String("storage_connection_string", &c.storage_connection_string));
  CHARON_RETURN_IF_ERROR(map.Bool("storage_create_container", &c.storage_create_container));
  CHARON_RETURN_IF_ERROR(map.String("container", &c.container));
  CHARON_RETURN_IF_ERROR(map.String("endpoint", &c.endpoint));
  CHARON_RETURN_IF_ERROR(map.String("user_assigned_id", &c.user_assigned_id));
  CHARON_RETURN_IF_ERROR(map.String("msi_resource", &c.msi_resource));
  CHARON_RETURN_IF_ERROR(map.String("az_tenant_id", &c.az_tenant_id));
  CHARON_RETURN_IF_ERROR(map.String("client_id", &c.client_id));
  CHARON_RETURN_IF_ERROR(map.String("client_secret", &c.client_secret));
  CHARON_RETURN_IF_ERROR(map.Int("max_retries", &c.max_retries));

  CHARON_ASSIGN_OR_RETURN(YamlMap reader, map.Map("reader_config"));
  CHARON_RETURN_IF_ERROR(reader.AllowOnly({"max_retry_requests"}));
  CHARON_RETURN_IF_ERROR(reader.Int("max_retry_requests", &c.max_retry_requests));
  CHARON_ASSIGN_OR_RETURN(YamlMap pipeline, map.Map("pipeline_config"));
  CHARON_RETURN_IF_ERROR(
      pipeline.AllowOnly({"max_tries", "try_timeout", "retry_delay", "max_retry_delay"}));
  CHARON_RETURN_IF_ERROR(pipeline.Int("max_tries", &c.max_tries));
  CHARON_RETURN_IF_ERROR(pipeline.Duration("try_timeout", &c.try_timeout));
  CHARON_RETURN_IF_ERROR(pipeline.Duration("retry_delay", &c.retry_delay));
  CHARON_RETURN_IF_ERROR(pipeline.Duration("max_retry_delay", &c.max_retry_delay));
  CHARON_ASSIGN_OR_RETURN(c.http_config, http::ParseHttpConfigSection(map));

  if (c.storage_account.empty()) {
    return map.KeyError("storage_account", "is required for type AZURE");
  }
  if (c.container.empty()) return map.KeyError("container", "is required for type AZURE");
  if (c.endpoint.empty()) return map.KeyError("endpoint", "must not be empty");
  if (c.max_retries < 0) return map.KeyError("max_retries", "must be >= 0");
  if (c.max_tries < 0) return pipeline.KeyError("max_tries", "must be >= 0");
  if (c.max_retry_requests < 0) return reader.KeyError("max_retry_requests", "must be >= 0");
  for (auto [d, key] :
       {std::pair{c.try_timeout, "try_timeout"}, std::pair{c.retry_delay, "retry_delay"},
        std::pair{c.max_retry_delay, "max_retry_delay"}}) {
    if (d < absl::ZeroDuration()) return pipeline.KeyError(key, "must not be negative");
  }
  // As Thanos: the generic max_retries is the default of both specific retry settings.
  if (c.max_retries > 0) {
    if (c.max_tries == 0) c.max_tries = c.max_retries;
    if (c.max_retry_requests == 0) c.max_retry_requests = c.max_retries;
  }

  if (!c.storage_account_key.empty() && !c.storage_connection_string.empty()) {
    return map.KeyError("storage_connection_string",
                        "cannot be set together with storage_account_key");
  }
  if (!c.user_assigned_id.empty() &&
      (!c.storage_account_key.empty() || !c.storage_connection_string.empty())) {
    return map.KeyError("user_assigned_id",
                        "cannot be set when using storage_account_key or "
                        "storage_connection_string authentication");
  }
  bool any_client = !c.az_tenant_id.empty() || !c.client_id.empty() || !c.client_secret.empty();
  if (any_client) {
    return Unsupported(map,
                       !c.az_tenant_id.empty() ? "az_tenant_id"
                       : !c.client_id.empty()  ? "client_id"
                                               : "client_secret",
                       "(Azure AD client secret authentication) is not supported by Charon; use "
                       "storage_account_key or storage_connection_string");
  }
  if (!c.user_assigned_id.empty()) {
    return Unsupported(map, "user_assigned_id",
                       "(managed identity authentication) is not supported by Charon; use "
                       "storage_account_key or storage_connection_string");
  }
  if (c.storage_account_key.empty() && c.storage_connection_string.empty()) {
    return Unsupported(map, "storage_account_key",
                       "is empty: managed identity (MSI) authentication is not supported by "
                       "Charon; set storage_account_key or storage_connection_string");
  }
  if (!c.storage_account_key.empty() && !ValidBase64(c.storage_account_key)) {
    return map.KeyError("storage_account_key", "is not valid base64");
  }
  if (!c.storage_connection_string.empty()) {
    absl::StatusOr<ConnectionString> cs = ParseConnectionString(c.storage_connection_string);
    if (!cs.ok())
      return map.KeyError("storage_connection_string", base::Std(cs.status().message()));
    if (cs->account_key.empty()) {
      return Unsupported(map, "storage_connection_string",
                         "without AccountKey (shared access signature or token) is not "
                         "supported by Charon");
    }
    if (!ValidBase64(cs->account_key)) {
      return map.KeyError("storage_connection_string",
                          "has an AccountKey that is not valid base64");
    }
  }
  return c;
}

absl::StatusOr<ConnectionString> ParseConnectionString(std::string_view s) {
  ConnectionString out;
  bool any = false;
  while (!s.empty()) {
    size_t semi = s.find(';');
    std::string_view part = base::Std(absl::StripAsciiWhitespace(base::Absl(s.substr(0, semi))));
    s = semi == std::string_view::npos ? std::string_view() : s.substr(semi + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("connection string entry \"", base::Absl(part), "\" is not Key=Value"));
    }
    std::string key = absl::AsciiStrToLower(base::Absl(part.substr(0, eq)));
    // Values may contain '=' (base64 padding, SAS signatures).
    std::string value(part.substr(eq + 1));
    any = true;
    if (key == "defaultendpointsprotocol") {
      out.protocol = absl::AsciiStrToLower(value);
    } else if (key == "accountname") {
      out.account_name = value;
    } else if (key == "accountkey") {
      out.account_key = value;
    } else if (key == "blobendpoint") {
      while (!value.empty() && value.back() == '/') value.pop_back();
      out.blob_endpoint = value;
    } else if (key == "endpointsuffix") {
      out.endpoint_suffix = value;
    } else if (key == "sharedaccesssignature") {
      out.shared_access_signature = value;
    } else if (key == "usedevelopmentstorage") {
      if (absl::AsciiStrToLower(value) == "true") {
        out.protocol = "http";
        out.account_name = kDevAccount;
        out.account_key = kDevKey;
        out.blob_endpoint = absl::StrCat("http://127.0.0.1:10000/", kDevAccount);
      }
    }
    // Other keys (QueueEndpoint, TableEndpoint, FileEndpoint...) concern other services.
  }
  if (!any) return absl::InvalidArgumentError("empty connection string");
  if (out.protocol != "http" && out.protocol != "https") {
    return absl::InvalidArgumentError(absl::StrCat("connection string DefaultEndpointsProtocol \"",
                                                   out.protocol, "\" is not http or https"));
  }
  if (out.blob_endpoint.empty() && out.account_name.empty()) {
    return absl::InvalidArgumentError("connection string has neither AccountName nor BlobEndpoint");
  }
  return out;
}

absl::StatusOr<AzureTarget> ResolveTarget(const AzureConfig& config) {
  AzureTarget t;
  t.container = config.container;
  if (config.storage_connection_string.empty()) {
    t.account = config.storage_account;
    t.account_key = config.storage_account_key;
    t.container_url = absl::StrCat("https://", config.storage_account, ".", config.endpoint, "/",
                                   base::PercentEncode(config.container, false));
    return t;
  }
  CHARON_ASSIGN_OR_RETURN(ConnectionString cs,
                          ParseConnectionString(config.storage_connection_string));
  if (cs.account_key.empty()) {
    return absl::UnimplementedError(
        "storage_connection_string without AccountKey is not supported by Charon");
  }
  // The key signs for the connection string's account; without AccountName, for storage_account.
  t.account = cs.account_name.empty() ? config.storage_account : cs.account_name;
  t.account_key = cs.account_key;
  std::string service = cs.blob_endpoint.empty() ? absl::StrCat(cs.protocol, "://", t.account,
                                                                ".blob.", cs.endpoint_suffix)
                                                 : cs.blob_endpoint;
  t.container_url = absl::StrCat(service, "/", base::PercentEncode(config.container, false));
  return t;
}

http::RetryPolicy RetryPolicyOf(const AzureConfig& config) {
  http::RetryPolicy p;
  p.max_attempts = 1 + (config.max_tries > 0 ? config.max_tries : 3);
  p.initial_backoff =
      config.retry_delay > absl::ZeroDuration() ? config.retry_delay : absl::Milliseconds(800);
  p.max_backoff =
      config.max_retry_delay > absl::ZeroDuration() ? config.max_retry_delay : absl::Seconds(60);
  p.max_backoff = std::max(p.max_backoff, p.initial_backoff);
  return p;
}

}  // namespace charon::objstore::azure
