//! Live capture from a network interface through libpcap (`-i IFACE`, the `live`
//! feature): its packets come out as a file's do, numbered from 1, with the handle's
//! link type, until the stop flag is set (Ctrl-C).

use std::sync::atomic::{AtomicBool, Ordering};

use super::reader::{CaptureError, CaptureEvent, Packet, ReadSummary};
use super::LinkType;

/// How long the loop waits for a packet before it looks at the stop flag again.
const POLL_MS: i32 = 200;
/// Bytes kept of each packet, as tcpdump's default.
const SNAPLEN: i32 = 262_144;

/// What live capture needs when libpcap refuses for want of privileges.
pub const PRIVILEGES: &str = "live capture needs root, or the CAP_NET_RAW and \
    CAP_NET_ADMIN capabilities (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tlsscope))";

/// An open capture on one interface.
pub struct LiveCapture {
    cap: pcap::Capture<pcap::Active>,
    link_type: LinkType,
}

impl LiveCapture {
    /// Opens `interface` (promiscuous, like tcpdump), with a capture filter in
    /// libpcap's syntax when one is given.
    pub fn open(interface: &str, filter: Option<&str>) -> Result<Self, CaptureError> {
        let fail = |why: String| CaptureError::Live {
            interface: interface.to_string(),
            why,
        };
        // Non-blocking, waited on with poll(2): libpcap's own read timeout does not
        // return when no packet comes (TPACKET_V3), and the stop flag must be seen.
        let mut cap = pcap::Capture::from_device(interface)
            .and_then(|c| c.promisc(true).immediate_mode(true).snaplen(SNAPLEN).open())
            .and_then(|c| c.setnonblock())
            .map_err(|e| fail(explain(interface, &e)))?;
        if let Some(f) = filter {
            cap.filter(f, true)
                .map_err(|e| fail(format!("capture filter {f:?}: {e}")))?;
        }
        let link_type = LinkType(cap.get_datalink().0 as u32);
        Ok(LiveCapture { cap, link_type })
    }

    /// Hands every packet to `visit` until `stop` is set or the capture fails (a live
    /// capture's packets come slowly: a dynamic call each costs nothing).
    pub fn run(
        &mut self,
        stop: &AtomicBool,
        visit: &mut dyn FnMut(CaptureEvent<'_>),
    ) -> ReadSummary {
        let mut summary = ReadSummary::default();
        while !stop.load(Ordering::Relaxed) {
            match self.cap.next_packet() {
                Ok(p) => {
                    let index = summary.count(p.data.len(), p.header.len);
                    // time_t and suseconds_t are not i64 on every target.
                    #[allow(clippy::unnecessary_cast)]
                    let (secs, micros) = (p.header.ts.tv_sec as i64, p.header.ts.tv_usec as i64);
                    let ts = secs
                        .saturating_mul(1_000_000_000)
                        .saturating_add(micros * 1000);
                    let packet = Packet::new(index, ts, self.link_type, p.data, p.header.len);
                    visit(CaptureEvent::Packet(packet));
                }
                Err(pcap::Error::TimeoutExpired) => self.wait(),
                Err(e) => {
                    summary.corrupt = Some(format!("capture failed: {e}"));
                    break;
                }
            }
        }
        // Ctrl-C is how a live capture ends: it is no interruption of anything.
        if let Ok(s) = self.cap.stats() {
            if s.dropped > 0 || s.if_dropped > 0 {
                summary.warnings.push(format!(
                    "{} packets dropped by the kernel and {} by the interface: not analysed",
                    s.dropped, s.if_dropped
                ));
            }
        }
        summary
    }
}

impl LiveCapture {
    /// Waits until a packet may be there, at most [`POLL_MS`].
    fn wait(&self) {
        use std::os::fd::AsRawFd;
        let mut fd = libc::pollfd {
            fd: self.cap.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd, valid for the call; the descriptor is the capture's own.
        unsafe { libc::poll(&mut fd, 1, POLL_MS) };
    }
}

/// libpcap's reason, with what to do about it when it is privileges or a name.
fn explain(interface: &str, e: &pcap::Error) -> String {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        return format!("{text}: {PRIVILEGES}");
    }
    if lower.contains("no such device") {
        let names: Vec<String> = pcap::Device::list()
            .map(|l| l.into_iter().map(|d| d.name).collect())
            .unwrap_or_default();
        if !names.is_empty() && !names.iter().any(|n| n == interface) {
            return format!("{text} (interfaces: {})", names.join(", "));
        }
    }
    text
}
