-- Electronic results (issue 15 item 6): the result documents of dossiers
-- are attachments of component 'KQ'; the 766 index (indicator 4.1) reads
-- them by component.
CREATE INDEX dossier_attachments_component ON dossier_attachments (component, dossier_code, uploaded_at);
