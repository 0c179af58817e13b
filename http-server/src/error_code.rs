//! [`ErrorCode`]: the application's error code of an error answer, left in the response's
//! extensions by whoever builds the answer, so that layers around the handler (the end
//! line of [`crate::trace`], metrics) read it without parsing the body.

/// An error answer's code (e.g. `not-found`), as a response extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub &'static str);

impl ErrorCode {
    /// The code of `response`, if its builder left one.
    pub fn of<B>(response: &axum::http::Response<B>) -> Option<&'static str> {
        response.extensions().get::<ErrorCode>().map(|c| c.0)
    }
}
