-- An officer's position (chức vụ), shown with the name on pages and
-- forms, e.g. "Công chức Tư pháp - Hộ tịch". Optional.
ALTER TABLE accounts ADD COLUMN position TEXT;
