#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tlsscope_fuzz::dtls_datagrams(data);
});
