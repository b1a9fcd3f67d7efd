#include "objstore/http/testing/test_certs.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace charon::objstore::http {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

struct CertDeleter {
  void operator()(X509* c) const { X509_free(c); }
};
using CertPtr = std::unique_ptr<X509, CertDeleter>;

struct KeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};

// Internal, with `what` and OpenSSL's queued errors (which this clears).
absl::Status OpenSslError(const std::string& what) {
  std::string detail;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&detail, detail.empty() ? ": " : "; ", buf);
  }
  return absl::InternalError(absl::StrCat("test certs: ", what, detail));
}

absl::StatusOr<KeyPtr> NewKey() {
  std::unique_ptr<EVP_PKEY_CTX, KeyCtxDeleter> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx.get(), NID_X9_62_prime256v1) <= 0 ||
      EVP_PKEY_CTX_set_ec_param_enc(ctx.get(), OPENSSL_EC_NAMED_CURVE) <= 0 ||
      EVP_PKEY_keygen(ctx.get(), &key) <= 0) {
    return OpenSslError("P-256 key generation");
  }
  return KeyPtr(key);
}

// What goes into one certificate besides its key.
struct CertSpec {
  std::string common_name{};
  bool is_ca = false;
  std::string subject_alt_name{};    // OpenSSL config syntax, e.g. "IP:127.0.0.1"; "" = none
  std::string extended_key_usage{};  // "serverAuth" or "clientAuth"; "" = none
};

// A certificate for `key` signed by `issuer` / `issuer_key`, or self-signed when `issuer` is null.
absl::StatusOr<CertPtr> NewCert(const CertSpec& spec, long serial, EVP_PKEY* key, X509* issuer,
                                EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new());
  if (cert == nullptr) return OpenSslError("X509_new");
  X509* c = cert.get();
  X509* signer = issuer != nullptr ? issuer : c;
  if (issuer_key == nullptr) issuer_key = key;
  X509_NAME* name = X509_get_subject_name(c);
  if (X509_set_version(c, 2) != 1 || ASN1_INTEGER_set(X509_get_serialNumber(c), serial) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(c), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(c), 24 * 3600) == nullptr ||
      X509_set_pubkey(c, key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(c, X509_get_subject_name(signer)) != 1) {
    return OpenSslError(absl::StrCat("fields of ", spec.common_name));
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, signer, c, nullptr, nullptr, 0);
  std::vector<std::pair<int, std::string>> extensions;
  if (spec.is_ca) {
    extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                  {NID_subject_key_identifier, "hash"}};
  } else {
    extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                  {NID_key_usage, "critical,digitalSignature"},
                  {NID_subject_key_identifier, "hash"}};
    if (issuer != nullptr) extensions.emplace_back(NID_authority_key_identifier, "keyid:always");
    if (!spec.extended_key_usage.empty()) {
      extensions.emplace_back(NID_ext_key_usage, spec.extended_key_usage);
    }
    if (!spec.subject_alt_name.empty()) {
      extensions.emplace_back(NID_subject_alt_name, spec.subject_alt_name);
    }
  }
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) {
      return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
    }
    const int added = X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
    if (added != 1) return OpenSslError(absl::StrCat("adding extension ", OBJ_nid2sn(nid)));
  }
  if (X509_sign(c, issuer_key, EVP_sha256()) <= 0) {
    return OpenSslError(absl::StrCat("signing ", spec.common_name));
  }
  return cert;
}

absl::Status WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_file(path.c_str(), "w"));
  if (bio == nullptr) {
    ERR_clear_error();
    return absl::UnavailableError(absl::StrCat("test certs: cannot write ", path));
  }
  const bool ok = cert != nullptr ? PEM_write_bio_X509(bio.get(), cert) == 1
                                  : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                                             nullptr, nullptr) == 1;
  if (!ok || BIO_flush(bio.get()) != 1) return OpenSslError(absl::StrCat("writing ", path));
  return absl::OkStatus();
}

// Generates a key and a certificate for it, and writes both as `<dir>/<base>.pem` and
// `<dir>/<base>-key.pem` into *cert_path / *key_path.
absl::StatusOr<std::pair<KeyPtr, CertPtr>> Issue(const std::string& dir, const std::string& base,
                                                 const CertSpec& spec, long serial, X509* issuer,
                                                 EVP_PKEY* issuer_key, std::string* cert_path,
                                                 std::string* key_path) {
  CHARON_ASSIGN_OR_RETURN(KeyPtr key, NewKey());
  CHARON_ASSIGN_OR_RETURN(CertPtr cert, NewCert(spec, serial, key.get(), issuer, issuer_key));
  *cert_path = absl::StrCat(dir, "/", base, ".pem");
  *key_path = absl::StrCat(dir, "/", base, "-key.pem");
  CHARON_RETURN_IF_ERROR(WritePem(*cert_path, cert.get(), nullptr));
  CHARON_RETURN_IF_ERROR(WritePem(*key_path, nullptr, key.get()));
  return std::make_pair(std::move(key), std::move(cert));
}

}  // namespace

absl::StatusOr<TestCerts> GenerateTestCerts(const std::string& dir) {
  const CertSpec server = {.common_name = "charon test server",
                           .subject_alt_name = "IP:127.0.0.1,DNS:localhost",
                           .extended_key_usage = "serverAuth"};
  const CertSpec client = {.common_name = "charon test client", .extended_key_usage = "clientAuth"};
  TestCerts out;
  std::string unused;
  CHARON_ASSIGN_OR_RETURN(
      auto ca, Issue(dir, "ca", {.common_name = "charon test CA", .is_ca = true}, 1, nullptr,
                     nullptr, &out.ca_cert, &unused));
  X509* ca_cert = ca.second.get();
  EVP_PKEY* ca_key = ca.first.get();
  CHARON_RETURN_IF_ERROR(
      Issue(dir, "server", server, 2, ca_cert, ca_key, &out.server_cert, &out.server_key).status());
  CHARON_RETURN_IF_ERROR(Issue(dir, "storage-internal",
                               {.common_name = "storage.internal",
                                .subject_alt_name = "DNS:storage.internal",
                                .extended_key_usage = "serverAuth"},
                               3, ca_cert, ca_key, &out.storage_internal_cert,
                               &out.storage_internal_key)
                             .status());
  CHARON_RETURN_IF_ERROR(
      Issue(dir, "client", client, 4, ca_cert, ca_key, &out.client_cert, &out.client_key).status());

  std::string other_ca_path;
  CHARON_ASSIGN_OR_RETURN(
      auto other_ca, Issue(dir, "other-ca", {.common_name = "charon other test CA", .is_ca = true},
                           1, nullptr, nullptr, &other_ca_path, &unused));
  CHARON_RETURN_IF_ERROR(Issue(dir, "other-ca-server", server, 2, other_ca.second.get(),
                               other_ca.first.get(), &out.other_ca_server_cert,
                               &out.other_ca_server_key)
                             .status());
  CHARON_RETURN_IF_ERROR(Issue(dir, "other-ca-client", client, 3, other_ca.second.get(),
                               other_ca.first.get(), &out.other_ca_client_cert,
                               &out.other_ca_client_key)
                             .status());
  return out;
}

}  // namespace charon::objstore::http
