//! JS strings in and out of the addon with one pass over the text each way, where napi-rs's `String` makes more.
//!
//! In: napi-rs asks V8 for the UTF-8 length (a pass over the text), zero-fills a new buffer, then has V8 write
//! the UTF-8. [`JsText`] takes the length in UTF-16 units (stored by V8, no pass), writes into a buffer of three
//! bytes per unit (the most UTF-8 one unit can need) kept from call to call, and has V8 write once. The text is
//! the same: V8 writes valid UTF-8, lone surrogates as U+FFFD, as for napi-rs's `String`.
//!
//! Out: [`JsString`] creates ASCII text as a one-byte string, which V8 copies as it is; other text goes through
//! V8's UTF-8 decoder, as napi-rs's `String` does for all text.
//!
//! The buffers of both are kept for the next call ([`buffer`], [`recycle`]): a token or payload of a kilobyte or
//! more is past the allocator's small-size caches, and allocating and freeing it costs about as much as the
//! base64url work on it.

use std::cell::RefCell;
use std::ops::Deref;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{check_status, sys, Result, ValueType};

/// Buffers larger than this are freed after use rather than kept for the next call.
const KEPT_CAPACITY: usize = 64 * 1024;
/// A call uses at most four: two strings read (sign's header and payload) or a token read and its header and
/// payload decoded, and the text returned.
const KEPT_BUFFERS: usize = 4;

thread_local! {
    static BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

fn take_buffer(capacity: usize) -> Vec<u8> {
    let mut buffer = BUFFERS
        .try_with(|buffers| buffers.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    buffer.clear();
    buffer.reserve(capacity);
    buffer
}

/// An empty `String` with a kept buffer, for text that [`JsString`] returns to JS (and then keeps again).
pub fn buffer() -> String {
    // SAFETY: the buffer is empty.
    unsafe { String::from_utf8_unchecked(take_buffer(0)) }
}

/// Keeps the buffer of `text` for a later call.
pub fn recycle(text: String) {
    keep_buffer(text.into_bytes());
}

fn keep_buffer(buffer: Vec<u8>) {
    if buffer.capacity() == 0 || buffer.capacity() > KEPT_CAPACITY {
        return;
    }
    let _ = BUFFERS.try_with(|buffers| {
        let mut buffers = buffers.borrow_mut();
        if buffers.len() < KEPT_BUFFERS {
            buffers.push(buffer);
        }
    });
}

/// A JS string argument as UTF-8 text.
pub struct JsText {
    /// Valid UTF-8, as V8 writes it.
    utf8: Vec<u8>,
}

impl JsText {
    /// The text as an owned `String`, for work that outlives the call (the thread pool).
    pub fn into_string(mut self) -> String {
        let utf8 = std::mem::take(&mut self.utf8);
        // SAFETY: V8 wrote valid UTF-8 (lone surrogates replaced).
        unsafe { String::from_utf8_unchecked(utf8) }
    }
}

impl Deref for JsText {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: V8 wrote valid UTF-8 (lone surrogates replaced).
        unsafe { std::str::from_utf8_unchecked(&self.utf8) }
    }
}

impl Drop for JsText {
    fn drop(&mut self) {
        keep_buffer(std::mem::take(&mut self.utf8));
    }
}

impl TypeName for JsText {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for JsText {}

impl FromNapiValue for JsText {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut units = 0;
        let status =
            unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units) };
        if status != sys::Status::napi_ok {
            // Not a string: napi-rs's own conversion gives its usual error, naming the value's type.
            let text = unsafe { String::from_napi_value(env, value) }?;
            return Ok(Self {
                utf8: text.into_bytes(),
            });
        }
        // V8 strings hold under 2^29 units, so this stays within the `int` capacity V8 takes.
        let capacity = units * 3 + 1;
        let mut utf8 = take_buffer(capacity);
        let mut written = 0;
        check_status!(
            unsafe {
                sys::napi_get_value_string_utf8(
                    env,
                    value,
                    utf8.as_mut_ptr().cast(),
                    capacity,
                    &mut written,
                )
            },
            "Failed to convert napi `string` into rust type `String`"
        )?;
        // SAFETY: V8 wrote `written` bytes (and a NUL after them) into the reserved capacity.
        unsafe { utf8.set_len(written) };
        Ok(Self { utf8 })
    }
}

/// Text returned to JS. A `String`'s buffer is kept for a later call once V8 has copied it.
pub struct JsString(pub String);

impl TypeName for JsString {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for JsString {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        let text = value.0.as_str();
        let mut result = ptr::null_mut();
        // ASCII is the same bytes in latin1 and UTF-8; `is_ascii` checks a word at a time.
        let status = if text.is_ascii() {
            unsafe {
                sys::napi_create_string_latin1(
                    env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut result,
                )
            }
        } else {
            unsafe {
                sys::napi_create_string_utf8(
                    env,
                    text.as_ptr().cast(),
                    text.len() as isize,
                    &mut result,
                )
            }
        };
        check_status!(status, "Failed to create a JS string")?;
        recycle(value.0);
        Ok(result)
    }
}
