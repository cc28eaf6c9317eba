package io.freshet.ingest.catalog;

import io.freshet.ingest.error.InvalidNameException;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Schema and table names become directories of the table location ({@code <warehouse>/<schema>/<table>}): a name
 * that walks up ({@code ..}), nests ({@code /}, {@code \}) or hides control characters would place one table's files
 * inside another's, or outside the warehouse, where upkeep of either would delete the other's files.
 */
public final class SafeNames
{
    private SafeNames() {}

    public static void requireSafeSchemaName(String schemaName)
    {
        requireSafe("schema", schemaName);
    }

    public static void requireSafeTableName(TableIdentifier identifier)
    {
        for (String level : identifier.namespace().levels()) {
            requireSafe("schema", level);
        }
        requireSafe("table", identifier.name());
    }

    private static void requireSafe(String kind, String name)
    {
        String problem = problem(name);
        if (problem != null) {
            throw new InvalidNameException("Invalid %s name '%s': %s; names become directories of the table location, so use letters, digits, '_' or '-'"
                    .formatted(kind, printable(name), problem));
        }
    }

    private static String problem(String name)
    {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.equals(".") || name.equals("..") || name.contains("..")) {
            return "it contains '..'";
        }
        if (name.indexOf('/') >= 0) {
            return "it contains '/'";
        }
        if (name.indexOf('\\') >= 0) {
            return "it contains '\\'";
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return "it contains a control character";
        }
        return null;
    }

    private static String printable(String name)
    {
        StringBuilder printable = new StringBuilder();
        name.codePoints().forEach(codePoint -> {
            if (Character.isISOControl(codePoint)) {
                printable.append("\\u%04x".formatted(codePoint));
            }
            else {
                printable.appendCodePoint(codePoint);
            }
        });
        return printable.toString();
    }
}
