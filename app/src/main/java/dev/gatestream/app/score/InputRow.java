package dev.gatestream.app.score;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of the input file.
 *
 * @param line the physical line the record starts on (1 is a CSV file's header)
 * @param fields the record's fields by column name; null when the record could not be read
 * @param raw the record as text, for the rejects file: a JSON line as it was, a CSV record
 *     re-quoted
 * @param unreadable why the record could not be read, or null
 */
public record InputRow(long line, ObjectNode fields, String raw, String unreadable) {

  static InputRow read(long line, ObjectNode fields, String raw) {
    return new InputRow(line, fields, raw, null);
  }

  static InputRow unreadable(long line, String raw, String why) {
    return new InputRow(line, null, raw, why);
  }
}
