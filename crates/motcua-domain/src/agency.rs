//! Agencies (cơ quan) that receive and decide dossiers, and their identifiers.
