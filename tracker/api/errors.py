"""Errors of the API: ``{"error": {"code", "message" (Vietnamese), "message_en"}}`` with the
status that says what went wrong. Messages come in both languages, always: a script has no
interface language, and the API's clients log what they get."""

from __future__ import annotations

from flask import Response, jsonify

from ..errors import UserError

#: What a bare HTTP error (no message of its own) says, by status.
STANDARD = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "The request is not valid."),
    401: ("unauthenticated", "Cần mã truy cập: gửi tiêu đề “Authorization: Bearer <mã>”.",
          "A token is required: send the header “Authorization: Bearer <token>”."),
    403: ("forbidden", "Vai trò của tài khoản không được dùng chức năng này.",
          "The account's role may not use this."),
    404: ("not_found", "Không có đối tượng này, hoặc tài khoản không được xem.",
          "Nothing here, or the account may not see it."),
    405: ("method_not_allowed", "Địa chỉ này không nhận phương thức HTTP đó.",
          "This address does not accept that HTTP method."),
    410: ("gone", "Không còn nữa.", "Gone."),
    413: ("too_large", "Yêu cầu lớn quá giới hạn cho phép.", "The request is larger than allowed."),
    415: ("unsupported_media_type", "Nội dung phải là JSON hoặc multipart/form-data.",
          "The body must be JSON or multipart/form-data."),
    422: ("validation_failed", "Dữ liệu gửi lên không hợp lệ.", "The data sent is not valid."),
    429: ("rate_limited", "Gửi quá nhiều yêu cầu: hãy thử lại sau.", "Too many requests: try again later."),
    500: ("server_error", "Lỗi máy chủ. Hãy thử lại sau.", "Server error. Try again later."),
}


class ApiError(Exception):
    """Raised by the API's views and checks; turned into the JSON error (``response``)."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 message_en: str | None = None, field: str | None = None, headers: dict | None = None):
        default_code, default_vi, default_en = STANDARD.get(status, STANDARD[400])
        super().__init__(message_en or default_en)
        self.status, self.code = status, code or default_code
        self.message, self.message_en = message or default_vi, message_en or default_en
        self.field, self.headers = field, headers or {}

    @classmethod
    def of(cls, status: int, error: UserError, code: str, field: str | None = None) -> ApiError:
        """A domain error (Vietnamese and English already) with this status and code."""
        return cls(status, code, error.message_vi, error.message_en, field or getattr(error, "field", None))

    def response(self) -> Response:
        body: dict = {"code": self.code, "message": self.message, "message_en": self.message_en}
        if self.field:
            body["field"] = self.field
        response = jsonify({"error": body})
        response.status_code = self.status
        for key, value in self.headers.items():
            response.headers[key] = value
        if self.status == 401:
            response.headers.setdefault("WWW-Authenticate", 'Bearer realm="tracker"'
                                        + ("" if self.code == "unauthenticated" else ', error="invalid_token"'))
        return response


def http_error(status: int, description: str | None = None) -> Response:
    """The JSON body of an HTTP error raised outside the API's own checks (no route, a body
    too large, control characters in the request)."""
    if status == 400 and description == "control_characters":
        return ApiError(400, "control_characters", "Yêu cầu chứa ký tự điều khiển không hợp lệ.",
                        "The request contains invalid control characters.").response()
    return ApiError(status if status in STANDARD else 500).response()
