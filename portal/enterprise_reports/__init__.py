"""企业参与职业教育年度报告, the enterprise's yearly report: generated from the records for a chosen
year, edited where a figure is the enterprise's own, printable and as .docx (`enterprise_bp`);
administrators see which enterprises have published (`admin_bp`)."""
