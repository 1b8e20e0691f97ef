//! NAVER Cloud Platform API Gateway signature, version 2.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Computes `base64(HMAC-SHA256(secret_key, message))` where the message is
/// `METHOD + " " + path_with_query + "\n" + timestamp + "\n" + access_key`.
///
/// `path_with_query` must be the path and query exactly as they go on the
/// wire (same order, same percent-encoding), without scheme or host.
///
/// # Example
///
/// ```
/// let signature = sdk_runtime::ncp_signature_v2(
///     "GET",
///     "/api/v1/workspaces/my-workspace/projects/1234/assets?pageNum=1&pageSize=100",
///     "1700000000000",
///     "ACCESS_KEY_ID",
///     "SECRET_KEY",
/// );
/// assert_eq!(signature, "VTcbWyF+hm+B21juWMD3DvHUQQhFvnHkOmPnwy0vEVc=");
/// ```
pub fn ncp_signature_v2(
    method: &str,
    path_with_query: &str,
    timestamp: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    let message = format!("{method} {path_with_query}\n{timestamp}\n{access_key}");
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC-SHA256 takes keys of any length"));
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
