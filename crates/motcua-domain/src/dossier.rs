//! Dossiers (hồ sơ) and their lifecycle.
