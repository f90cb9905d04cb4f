//! The procedure catalog (danh mục thủ tục hành chính).
