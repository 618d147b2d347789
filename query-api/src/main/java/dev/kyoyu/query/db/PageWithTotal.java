package dev.kyoyu.query.db;

/**
 * The SQL of a page and the total of every matching row, in one statement: one snapshot, so the two agree, in one
 * round trip and without a transaction (a repeatable-read transaction took five round trips, bench query). The
 * total is a row that is always there and the page joins it, so a page past the end still brings the total.
 *
 * <p>Bind the filter's parameters twice (the count's, then the page's), then limit and offset. Each row holds the
 * page's columns and then the total; an empty page is one row whose page columns are all null.
 */
public final class PageWithTotal {
    private PageWithTotal() {
    }

    public static String sql(String columns, String table, String where, String orderBy) {
        return "SELECT page.*, counted.total FROM (SELECT count(*) AS total FROM " + table + " WHERE " + where + ") counted"
                + " LEFT JOIN LATERAL (SELECT " + columns + " FROM " + table + " WHERE " + where
                + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?) page ON true";
    }
}
