//! The one place core errors become JS errors. The message carries the code (and, for time-based failures,
//! the instant) so that the same encoding works for sync throws and for promises settled from the thread
//! pool; `lib/errors.js` `fromNative` turns it into the JS classes.

pub(crate) const SEPARATOR: char = '\u{1f}';

pub(crate) fn to_napi(err: crate::error::Error) -> napi::Error {
    let mut reason = format!("{}{SEPARATOR}{}", err.code.as_str(), err.message);
    if let Some(date) = err.date {
        reason.push(SEPARATOR);
        reason.push_str(&date.to_string());
    }
    napi::Error::new(napi::Status::GenericFailure, reason)
}

pub(crate) fn invalid_option(message: impl Into<std::borrow::Cow<'static, str>>) -> napi::Error {
    to_napi(crate::error::Error::new(
        crate::error::Code::InvalidOption,
        message,
    ))
}
