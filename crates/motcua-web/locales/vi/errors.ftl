# Trang lỗi (problem::html_page), theo mã trạng thái HTTP.
error-400 = Yêu cầu không hợp lệ
error-401 = Cần đăng nhập
error-403 = Bạn không có quyền truy cập trang này
error-404 = Không tìm thấy trang
error-405 = Trang này không nhận thao tác này
error-408 = Yêu cầu quá thời gian xử lý
error-409 = Dữ liệu đã thay đổi, vui lòng tải lại trang
error-413 = Nội dung gửi lên quá lớn
error-414 = Địa chỉ trang quá dài
error-415 = Kiểu tệp hoặc nội dung không được hỗ trợ
error-422 = Không xử lý được dữ liệu đã gửi
error-429 = Bạn thao tác quá nhiều lần, vui lòng thử lại sau ít phút
error-500 = Lỗi hệ thống
error-503 = Hệ thống tạm thời không xử lý được yêu cầu, vui lòng thử lại
error-other = Không xử lý được yêu cầu
error-code = Mã lỗi
error-back-home = Về trang chủ
