//! The trust anchors a run validates chains against: Mozilla's roots (bundled, as
//! Zeek's and curl's), CA files and folders the user names, and the system's store.

use std::collections::HashSet;
use std::path::Path;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, TrustAnchor};

/// Anchors one run may hold (a system store has some 150; a PKI's own few).
pub const MAX_ANCHORS: usize = 100_000;
/// A CA file larger than this is refused (a bundle of every root is under 1 MB).
pub const MAX_CA_FILE_BYTES: u64 = 64 << 20;
/// Files read from one `--ca-dir`.
pub const MAX_CA_DIR_FILES: usize = 100_000;

/// The anchors, each once.
pub struct TrustStore {
    anchors: Vec<TrustAnchor<'static>>,
    seen: HashSet<(Vec<u8>, Vec<u8>)>,
}

impl TrustStore {
    /// Mozilla's roots (`webpki-roots`), or none.
    pub fn new(mozilla: bool) -> Self {
        let mut store = TrustStore {
            anchors: Vec::new(),
            seen: HashSet::new(),
        };
        if mozilla {
            for anchor in webpki_roots::TLS_SERVER_ROOTS {
                store.push(anchor.clone());
            }
        }
        store
    }

    pub fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Trusts one certificate (DER); `false` when it is not one webpki can anchor to.
    pub fn add_der(&mut self, der: &[u8]) -> bool {
        let der = CertificateDer::from(der);
        match webpki::anchor_from_trusted_cert(&der) {
            Ok(anchor) => {
                self.push(anchor.to_owned());
                true
            }
            Err(_) => false,
        }
    }

    fn push(&mut self, anchor: TrustAnchor<'static>) {
        if self.anchors.len() >= MAX_ANCHORS {
            return;
        }
        let key = (
            anchor.subject.as_ref().to_vec(),
            anchor.subject_public_key_info.as_ref().to_vec(),
        );
        if self.seen.insert(key) {
            self.anchors.push(anchor);
        }
    }

    /// Trusts every certificate of a PEM file (or one DER certificate); the number
    /// added, or why the file gives none.
    pub fn add_file(&mut self, path: &Path) -> Result<usize, String> {
        let name = path.display();
        let size = std::fs::metadata(path)
            .map_err(|e| format!("{name}: {e}"))?
            .len();
        if size > MAX_CA_FILE_BYTES {
            return Err(format!(
                "{name}: {size} bytes is more than a CA file may be ({MAX_CA_FILE_BYTES})"
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
        let ders: Vec<CertificateDer> = CertificateDer::pem_slice_iter(&bytes)
            .filter_map(Result::ok)
            .collect();
        let ders = if ders.is_empty() {
            vec![CertificateDer::from(bytes)]
        } else {
            ders
        };
        let before = self.anchors.len();
        let usable = ders.iter().filter(|d| self.add_der(d)).count();
        if usable == 0 {
            return Err(format!("{name}: no certificate (PEM or DER) to trust"));
        }
        Ok(self.anchors.len() - before)
    }

    /// Trusts the certificates of every file in a folder (as `openssl -CApath`, whose
    /// hash-named links it reads once each); files without one are passed over, a
    /// folder without any is an error (one whose certificates were all trusted already
    /// is not).
    pub fn add_dir(&mut self, path: &Path) -> Result<usize, String> {
        let name = path.display();
        let entries = std::fs::read_dir(path).map_err(|e| format!("{name}: {e}"))?;
        let before = self.anchors.len();
        let mut any = false;
        for entry in entries.take(MAX_CA_DIR_FILES).flatten() {
            let file = entry.path();
            if file.is_file() {
                any |= self.add_file(&file).is_ok();
            }
        }
        if !any {
            return Err(format!(
                "{name}: no certificate (PEM or DER) to trust in it"
            ));
        }
        Ok(self.anchors.len() - before)
    }

    /// Trusts the operating system's store (`SSL_CERT_FILE`, `SSL_CERT_DIR`, or the
    /// platform's own: `/etc/ssl/certs` on Debian).
    pub fn add_system(&mut self) -> Result<usize, String> {
        let found = rustls_native_certs::load_native_certs();
        let before = self.anchors.len();
        for der in &found.certs {
            self.add_der(der);
        }
        if found.certs.is_empty() {
            let why = found
                .errors
                .first()
                .map_or_else(|| "none found".to_owned(), |e| e.to_string());
            return Err(format!("--system-roots: the system's trust store: {why}"));
        }
        Ok(self.anchors.len() - before)
    }
}
