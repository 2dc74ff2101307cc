//! Bounds-checked access to the guest's linear memory. Every pointer and length a WASI call
//! receives goes through here: out of range gives [`Errno::Fault`], never a panic.

use super::errno::{Errno, WasiResult};

/// The calling instance's memory (empty when it has none, so that every access faults).
pub struct GuestMem<'a> {
    data: &'a mut [u8],
}

/// One `iovec`/`ciovec` of a scatter/gather call: a guest buffer.
#[derive(Clone, Copy, Debug)]
pub struct IoVec {
    /// The buffer's guest address.
    pub ptr: u32,
    /// Its length in bytes.
    pub len: u32,
}

impl<'a> GuestMem<'a> {
    /// Wraps memory contents.
    pub fn new(data: &'a mut [u8]) -> Self {
        GuestMem { data }
    }

    /// `ptr..ptr + len` as a host range, when it lies in memory.
    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.data.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// The bytes at `ptr..ptr + len`.
    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let range = self.range(ptr, len)?;
        Ok(&self.data[range])
    }

    /// The bytes at `ptr..ptr + len`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.data[range])
    }

    /// Copies `bytes` to `ptr`.
    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    /// Reads `N` bytes at `ptr`.
    fn read_array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let bytes = self.slice(ptr, N as u32)?;
        let mut out = [0; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A little-endian `u16` at `ptr`.
    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        self.read_array(ptr).map(u16::from_le_bytes)
    }

    /// A little-endian `u32` at `ptr`.
    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        self.read_array(ptr).map(u32::from_le_bytes)
    }

    /// A little-endian `u64` at `ptr`.
    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        self.read_array(ptr).map(u64::from_le_bytes)
    }

    /// Writes a little-endian `u32`.
    pub fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Writes a little-endian `u64`.
    pub fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Reads an array of `count` iovecs (8 bytes each: pointer, length) at `ptr`, checking that
    /// every buffer lies in memory.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<IoVec>> {
        let table = self.slice(ptr, count.checked_mul(8).ok_or(Errno::Fault)?)?;
        let mut out = Vec::with_capacity(count as usize);
        for entry in table.chunks_exact(8) {
            let vec = IoVec {
                ptr: u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]),
                len: u32::from_le_bytes([entry[4], entry[5], entry[6], entry[7]]),
            };
            self.range(vec.ptr, vec.len)?;
            out.push(vec);
        }
        Ok(out)
    }

    /// The bytes of the iovecs, concatenated (for writes), at most `limit` of them: iovecs may
    /// overlap, so their total can exceed memory, and a write may be partial anyway.
    pub fn gather(&self, iovs: &[IoVec], limit: usize) -> WasiResult<Vec<u8>> {
        let mut out = Vec::new();
        for iov in iovs {
            let room = limit - out.len();
            if room == 0 {
                break;
            }
            let len = (iov.len as usize).min(room) as u32;
            out.extend_from_slice(self.slice(iov.ptr, len)?);
        }
        Ok(out)
    }

    /// Spreads `bytes` over the iovecs in order (for reads).
    pub fn scatter(&mut self, iovs: &[IoVec], mut bytes: &[u8]) -> WasiResult {
        for iov in iovs {
            if bytes.is_empty() {
                break;
            }
            let n = (iov.len as usize).min(bytes.len());
            self.write(iov.ptr, &bytes[..n])?;
            bytes = &bytes[n..];
        }
        Ok(())
    }

    /// A path argument: UTF-8 text at `ptr..ptr + len` (`ilseq` otherwise).
    pub fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }
}

/// The total length of some iovecs (saturating: they may overlap and add up past memory).
pub fn total_len(iovs: &[IoVec]) -> usize {
    iovs.iter()
        .fold(0usize, |total, v| total.saturating_add(v.len as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_is_a_fault() {
        let mut data = vec![0u8; 16];
        let mut mem = GuestMem::new(&mut data);
        assert_eq!(mem.write_u32(12, 7), Ok(()));
        assert_eq!(mem.read_u32(12), Ok(7));
        assert_eq!(mem.write_u32(13, 7), Err(Errno::Fault));
        assert_eq!(mem.slice(u32::MAX, 2).err(), Some(Errno::Fault));
        // An iovec table in range whose buffer is not.
        mem.write_u32(0, 8).unwrap();
        mem.write_u32(4, 100).unwrap();
        assert_eq!(mem.iovecs(0, 1).err(), Some(Errno::Fault));
        assert_eq!(mem.iovecs(0, u32::MAX).err(), Some(Errno::Fault));
        let mut none: [u8; 0] = [];
        assert_eq!(GuestMem::new(&mut none).read_u16(0), Err(Errno::Fault));
    }

    #[test]
    fn scatter_and_gather() {
        let mut data = vec![0u8; 64];
        let mut mem = GuestMem::new(&mut data);
        let iovs = [IoVec { ptr: 10, len: 2 }, IoVec { ptr: 20, len: 3 }];
        mem.scatter(&iovs, b"abcd").unwrap();
        assert_eq!(mem.gather(&iovs, 100).unwrap(), b"abcd\0");
        assert_eq!(mem.gather(&iovs, 3).unwrap(), b"abc");
        assert_eq!(total_len(&iovs), 5);
    }
}
