"""贯通培养 pathways (3+2 中职→高职, 3+4 中职→本科) and their cohorts' 转段 outcomes: a school
records them (`school_bp`), administrators read the records behind the dashboard's pathway
figures (`admin_bp`), a student's profile shows the pathways of their major."""
