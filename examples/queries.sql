-- Named example queries on processed/smartcity.duckdb.
-- Each block starts with "-- name:" and a one-line question; the test suite runs every one
-- against a dataset built from the test fixtures and checks its result.
-- They are written to run unchanged on SQLite 3.44+ as well (processed/smartcity.sqlite):
-- `make serve` offers each one as a canned query, and tests/serve/test_serve.py checks that
-- Datasette gives the same rows as DuckDB. So: no DISTINCT inside a multi-argument aggregate,
-- no list functions; string_agg(x, sep ORDER BY y) is fine in both.
-- Run one:  .venv/bin/python -m pipeline sql "$(sed -n '/name: members_by_category/,/;/p' examples/queries.sql)"
--
-- "Took part" has one definition, the participation table's: a local government took part in a
-- programme track when participation.status = 'selected' (a selection_areas row with
-- link = 'local_government'). A link = 'within_prefecture' row only says that a region lies in
-- that prefecture (京都府 for けいはんな学研都市): the prefectural government did not thereby
-- take part. The view municipality_participation, the report and Datasette read the same table.

-- name: programmes_by_agency
-- Which programmes does each ministry lead (or co-lead)?
SELECT a.abbreviation, a.name_en, string_agg(p.program_id, ', ' ORDER BY p.start_year, p.program_id) AS programs
FROM program_agencies pa
JOIN agencies a USING (agency_id)
JOIN programs p USING (program_id)
WHERE pa.role IN ('lead', 'co_lead')
GROUP BY a.abbreviation, a.name_en
ORDER BY a.abbreviation;

-- name: members_by_category
-- How many platform members are there in each category?
SELECT category, count(*) AS members
FROM platform_members
GROUP BY category
ORDER BY members DESC, category;

-- name: selections_per_prefecture
-- How many selections lie in each prefecture (a local government they cover is there, or a region they name lies there)?
SELECT m.prefecture_ja, count(DISTINCT sa.selection_id) AS selections
FROM selection_areas sa
JOIN municipalities m USING (lg_code)
GROUP BY m.prefecture_ja
ORDER BY selections DESC, m.prefecture_ja;

-- name: local_governments_in_several_programmes
-- Which local governments took part in more than one programme?
SELECT m.lg_code, m.prefecture_ja, m.name_ja,
       string_agg(t.program_id, ', ' ORDER BY t.program_id) AS programs
FROM (SELECT DISTINCT p.lg_code, p.program_id
      FROM participation p WHERE p.status = 'selected') t
JOIN municipalities m USING (lg_code)
GROUP BY m.lg_code, m.prefecture_ja, m.name_ja
HAVING count(*) > 1
ORDER BY m.lg_code;

-- name: platform_members_without_selection
-- Which local governments are platform members but took part in no selection held in the dataset?
SELECT pm.lg_code, pm.name_ja
FROM platform_members pm
WHERE pm.category = 'local_government'
  AND pm.lg_code NOT IN (SELECT p.lg_code FROM participation p WHERE p.status = 'selected')
ORDER BY pm.lg_code;

-- name: coverage_gaps
-- Which programme tracks hold fewer selections than were announced?
SELECT program_id, track, fiscal_year, round, announced_count, held_count,
       announced_count - held_count AS not_held
FROM coverage
WHERE NOT complete
ORDER BY not_held DESC, program_id, track, fiscal_year, round;

-- name: smart_mobility_selected_by_both
-- Which Smart Mobility Challenge regions were selected by both METI and MLIT?
SELECT selection_group_id, string_agg(track, ' + ' ORDER BY track) AS tracks,
       min(area_ja) AS area_ja
FROM selections
WHERE program_id = 'smart_mobility_challenge_2019'
GROUP BY selection_group_id
HAVING count(DISTINCT track) = 2
ORDER BY area_ja;

-- name: selections_by_evidence
-- How many selections rest on an official list, an official page, or a secondary source?
SELECT program_id, evidence, count(*) AS selections
FROM selections
GROUP BY program_id, evidence
ORDER BY program_id, evidence;

-- name: official_facts_only
-- Which selections does a government body's own list or page state?
SELECT program_id, track, fiscal_year, area_ja, evidence, source_id
FROM selections
WHERE evidence IN ('official_list', 'official_page')
ORDER BY program_id, track, fiscal_year, area_ja;

-- name: participation_of_osaka
-- Was 大阪市 selected, not selected, or is it unknown, track by track?
SELECT p.program_id, p.track, p.status, p.basis
FROM participation p
JOIN municipalities m USING (lg_code)
WHERE m.name_ja = '大阪市'
ORDER BY p.program_id, p.track;

-- name: participation_of_maebashi
-- In which programmes did 前橋市 take part, and is it a platform member?
SELECT *
FROM municipality_participation
WHERE name_ja = '前橋市';

-- name: missing_sources
-- Which sources are not in this build, and how would I add them?
SELECT source_id, url, status_detail
FROM sources
WHERE status <> 'ok'
ORDER BY source_id;

-- name: programme_lineage
-- Which programme followed which (the successors from FY2020 name their predecessor)?
SELECT family_id, program_id, name_ja, start_year, end_year, predecessor_program_id
FROM programs
WHERE program_id <> 'scpf_2019'
ORDER BY family_id, start_year, program_id;

-- name: selections_by_family_and_year
-- Per programme family and fiscal year, how many selections are held of those announced, and how many are held apart (a list whose count no source states, a round not known)?
SELECT p.family_id, c.fiscal_year,
       coalesce(sum(CASE WHEN c.announced_count IS NULL THEN NULL
                         WHEN c.held_count < c.announced_count THEN c.held_count
                         ELSE c.announced_count END), 0) AS held,
       sum(c.announced_count) AS announced,
       sum(CASE WHEN c.announced_count IS NULL THEN c.held_count ELSE 0 END) AS held_apart,
       sum(CASE WHEN c.announced_count IS NULL AND c.round IS NOT NULL THEN 1 ELSE 0 END)
           AS lists_without_count
FROM coverage c
JOIN programs p USING (program_id)
WHERE c.program_id <> 'scpf_2019'
GROUP BY p.family_id, c.fiscal_year
ORDER BY p.family_id, c.fiscal_year;

-- name: regions_in_several_programmes_of_a_year
-- Which regions did several programmes select in the same year (one selection_group_id)?
SELECT fiscal_year, selection_group_id,
       string_agg(program_id || '/' || track, ' + ' ORDER BY program_id, track) AS lists,
       min(area_ja) AS area_ja
FROM selections
WHERE fiscal_year >= 2020
GROUP BY fiscal_year, selection_group_id
HAVING count(*) > 1
ORDER BY fiscal_year, area_ja;

-- name: platform_members_over_time
-- How many members did the platform have, date by date, and who says so?
SELECT c.as_of, c.total, c.total_approximate, c.local_government, c.evidence, s.url
FROM platform_member_counts c
JOIN sources s USING (source_id)
ORDER BY c.as_of, c.total;
