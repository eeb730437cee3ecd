#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/store/RecordField.h"
#include "core/store/Statement.h"
#include "core/store/TextCodec.h"

namespace longrl::store {

// The SQL of one record type, derived from its field list (R::fields(), R::kTable): the writer's
// upsert, the reader's SELECT, binding a record to the upsert's parameters and reading one back
// from a SELECT row. A record with packed fields has a `zflags` column after its fields.
// Internal to core/store (and its tests).
template <class R> class RecordSql {
 public:
  // One column as the schema declares it (for the schema check).
  struct Column {
    std::string name;
    std::string type;  // INTEGER, REAL, TEXT or BLOB
    bool notNull = true;
  };

  // INSERT of every written column (then zflags, then `extra`, bound by the caller after
  // bind()), ON CONFLICT(the key fields) DO UPDATE of the others; a plain INSERT without key.
  static std::string upsert(const std::vector<std::string>& extra = {});
  // "SELECT <every field's column>[, zflags] FROM <table>"; callers append WHERE / ORDER BY.
  static const std::string& select();
  // select() with the packed columns empty (nothing to decompress: tables of many rows).
  static const std::string& selectShort();
  // Binds `r` to upsert()'s parameters; returns the next parameter number (for `extra`).
  static int bind(Statement& s, const R& r, std::size_t compressThreshold);
  // The record of the current row of a select() or selectShort(); `path` names the store in
  // errors (a damaged compressed text).
  static R read(const Statement& s, const std::string& path);
  static bool isSortable(const std::string& column);
  static std::vector<Column> columns();
  static bool hasPacked() {
    bool any = false;
    forEachField<R>([&](const auto& f) { any = any || f.zbit != 0; });
    return any;
  }

 private:
  template <class F> static bool nullable(const F& f);
  template <class F> static std::string sqlType(const F& f);
  template <class F>
  static void readField(const Statement& s, int col, int zflags, const F& f, R& r, const std::string& path);
};

namespace record_sql_detail {
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> constexpr bool kIsOptional = IsOptional<T>::value;
template <class T> constexpr bool kUnsupported = false;

inline std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

template <class R> std::int64_t rowidOf(const R& r) {
  std::int64_t id = 0;
  forEachField<R>([&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    if constexpr (std::is_same_v<T, std::int64_t>) {
      if (f.is(f.kRowid)) id = r.*f.member;
    }
  });
  return id;
}
}  // namespace record_sql_detail

template <class R> template <class F> bool RecordSql<R>::nullable(const F& f) {
  return f.is(f.kNullable) || f.is(f.kRowid) || record_sql_detail::kIsOptional<typename F::Type>;
}

template <class R> template <class F> std::string RecordSql<R>::sqlType(const F& f) {
  using T = typename F::Type;
  if (f.zbit) return "BLOB";
  if constexpr (std::is_integral_v<T>) return "INTEGER";  // bool too
  else if constexpr (std::is_floating_point_v<T>) return "REAL";
  else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) return "TEXT";
  else static_assert(record_sql_detail::kUnsupported<T>, "a store field is an integer, bool, double or text");
}

template <class R> std::string RecordSql<R>::upsert(const std::vector<std::string>& extra) {
  std::vector<std::string> written, keys, updates;
  forEachField<R>([&](const auto& f) {
    if (f.is(f.kRowid)) return;
    const std::string c = f.column();
    written.push_back(c);
    if (f.is(f.kKey)) {
      keys.push_back(c);
    } else if (f.is(f.kKeepIfEmpty)) {
      const std::string empty = sqlType(f) == "TEXT" ? "''" : "0";
      updates.push_back(c + "=CASE WHEN excluded." + c + "=" + empty + " THEN " + R::kTable + "." + c +
                        " ELSE excluded." + c + " END");
    } else {
      updates.push_back(c + "=excluded." + c);
    }
  });
  std::vector<std::string> more = extra;
  if (hasPacked()) more.insert(more.begin(), "zflags");
  for (const auto& c : more) {
    written.push_back(c);
    updates.push_back(c + "=excluded." + c);
  }
  std::vector<std::string> params;
  for (std::size_t i = 1; i <= written.size(); ++i) params.push_back("?" + std::to_string(i));
  const std::string sql = std::string("INSERT INTO ") + R::kTable + "(" + record_sql_detail::join(written, ", ") +
                          ") VALUES (" + record_sql_detail::join(params, ",") + ")";
  if (keys.empty()) return sql;
  return sql + " ON CONFLICT(" + record_sql_detail::join(keys, ", ") + ") DO UPDATE SET " +
         record_sql_detail::join(updates, ", ");
}

template <class R> const std::string& RecordSql<R>::select() {
  static const std::string sql = [] {
    std::string cols;
    forEachField<R>([&](const auto& f) { cols += (cols.empty() ? "" : ", ") + std::string(f.column()); });
    if (hasPacked()) cols += ", zflags";
    return "SELECT " + cols + " FROM " + R::kTable;
  }();
  return sql;
}

template <class R> const std::string& RecordSql<R>::selectShort() {
  static const std::string sql = [] {
    std::string cols;
    forEachField<R>([&](const auto& f) {
      // zflags 0 below keeps read() from decompressing these.
      const std::string c = !f.zbit ? f.column() : nullable(f) ? "NULL" : "X''";
      cols += (cols.empty() ? "" : ", ") + c;
    });
    if (hasPacked()) cols += ", 0";
    return "SELECT " + cols + " FROM " + R::kTable;
  }();
  return sql;
}

template <class R> int RecordSql<R>::bind(Statement& s, const R& r, std::size_t compressThreshold) {
  int i = 1;
  int zflags = 0;
  forEachField<R>([&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    if (f.is(f.kRowid)) return;
    const T& v = r.*f.member;
    const int p = i++;
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) {
      const std::string* text = nullptr;
      if constexpr (std::is_same_v<T, std::string>) text = &v;
      else if (v) text = &*v;
      if (!text) {
        s.bindNull(p);
      } else if (f.zbit) {
        const auto packed = TextCodec::pack(*text, compressThreshold);
        if (packed.compressed) zflags |= f.zbit;
        s.bindBlob(p, packed.bytes);
      } else {
        s.bind(p, std::string_view(*text));
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      s.bind(p, std::int64_t(v ? 1 : 0));
    } else if constexpr (std::is_integral_v<T>) {
      s.bind(p, std::int64_t(v));
    } else if constexpr (std::is_same_v<T, double>) {
      s.bind(p, v);  // NaN is stored as NULL
    } else {
      static_assert(record_sql_detail::kUnsupported<T>, "a store field is an integer, bool, double or text");
    }
  });
  if (hasPacked()) s.bind(i++, std::int64_t(zflags));
  return i;
}

template <class R>
template <class F>
void RecordSql<R>::readField(const Statement& s, int col, int zflags, const F& f, R& r, const std::string& path) {
  using T = typename F::Type;
  T& out = r.*f.member;
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) {
    if constexpr (record_sql_detail::kIsOptional<T>) {
      if (s.isNull(col)) return;
    }
    if (f.zbit) {
      const auto b = s.bytes(col);
      const std::string where =
          path + ": " + R::kType + " " + std::to_string(record_sql_detail::rowidOf(r)) + " " + f.column();
      out = TextCodec::unpack(b.data(), b.size(), (zflags & f.zbit) != 0, where);
    } else {
      out = s.text(col);
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    out = s.int64(col) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    out = T(s.int64(col));
  } else if constexpr (std::is_same_v<T, double>) {
    out = s.isNull(col) ? std::numeric_limits<double>::quiet_NaN() : s.real(col);
  } else {
    static_assert(record_sql_detail::kUnsupported<T>, "a store field is an integer, bool, double or text");
  }
}

template <class R> R RecordSql<R>::read(const Statement& s, const std::string& path) {
  int count = 0;
  forEachField<R>([&](const auto&) { ++count; });
  const int zflags = hasPacked() ? int(s.int64(count)) : 0;
  R r;
  int col = 0;
  // The rowid comes first in every list, so a damaged text's error can name its row.
  forEachField<R>([&](const auto& f) { readField(s, col++, zflags, f, r, path); });
  return r;
}

template <class R> bool RecordSql<R>::isSortable(const std::string& column) {
  bool found = false;
  forEachField<R>([&](const auto& f) { found = found || (f.is(f.kSortable) && column == f.column()); });
  return found;
}

template <class R> std::vector<typename RecordSql<R>::Column> RecordSql<R>::columns() {
  std::vector<Column> out;
  forEachField<R>([&](const auto& f) { out.push_back({f.column(), sqlType(f), !nullable(f)}); });
  if (hasPacked()) out.push_back({"zflags", "INTEGER", true});
  return out;
}

}  // namespace longrl::store
