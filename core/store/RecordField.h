#pragma once
#include <tuple>
#include <utility>

namespace longrl::store {

// One field of a run-store record: its name (the struct member's, the JSON key and, unless
// storedAs() says otherwise, the SQL column), the member it reads and writes, and how it is
// stored and carried. Each record lists its fields once, in its `fields()`:
//
//   static constexpr auto fields() {
//     using R = MetricPoint;
//     return std::make_tuple(field("step", &R::step).key().required(), field("name", &R::name), ...);
//   }
//
// and the writer's INSERT, the reader's SELECT, the JSON form (RecordJson) and the schema check
// (TestRunStoreMigration) are all derived from that list (RecordSql). The list order is the
// SELECT order. Member pointers keep it type-safe: a misspelt member does not compile, and the
// member's C++ type picks the SQL type and the JSON conversion.
template <class R, class T> struct RecordField {
  using Record = R;
  using Type = T;

  enum Flag : unsigned {
    kKey = 1u << 0,          // part of the table's unique key: writing the same key updates the row
    kRequired = 1u << 1,     // the JSON form must carry it
    kRowid = 1u << 2,        // assigned by SQLite: read back, never written
    kLocal = 1u << 3,        // this store's own: not in the JSON form
    kNullable = 1u << 4,     // may be SQL NULL (a NaN number); optional<> members always may
    kKeepIfEmpty = 1u << 5,  // an empty text or a zero does not overwrite the stored value
    kSortable = 1u << 6,     // the rollout browser may sort and filter by it (RolloutQuery)
    kJsonText = 1u << 7,     // text holding JSON: the JSON form carries the value, not a string
    kNonEmpty = 1u << 8,     // the JSON form must not give it empty
  };

  const char* name;
  T R::*member;
  unsigned flags = 0;
  int zbit = 0;                          // != 0: zstd-compressed when long, this bit in `zflags`
  const char* sqlName = nullptr;         // the column, when it is not `name`
  const char* const* allowed = nullptr;  // nullptr-terminated values the JSON form may give

  constexpr RecordField(const char* n, T R::*m) : name(n), member(m) {}

  constexpr RecordField key() const { return with(kKey); }
  constexpr RecordField required() const { return with(kRequired); }
  // The SQLite rowid (INTEGER PRIMARY KEY `id`), which only this store knows.
  constexpr RecordField rowid() const { return with(kRowid | kLocal); }
  // Assigned by SQLite, but carried in the JSON form (a document's id: the decoder remaps it).
  constexpr RecordField assigned() const { return with(kRowid); }
  constexpr RecordField nullable() const { return with(kNullable); }
  constexpr RecordField keepIfEmpty() const { return with(kKeepIfEmpty); }
  constexpr RecordField sortable() const { return with(kSortable); }
  constexpr RecordField jsonText() const { return with(kJsonText); }
  constexpr RecordField nonEmpty() const { return with(kNonEmpty); }
  constexpr RecordField packed(int bit) const {
    RecordField f = *this;
    f.zbit = bit;
    return f;
  }
  constexpr RecordField storedAs(const char* column) const {
    RecordField f = *this;
    f.sqlName = column;
    return f;
  }
  constexpr RecordField oneOf(const char* const* values) const {
    RecordField f = *this;
    f.allowed = values;
    return f;
  }

  constexpr bool is(unsigned flag) const { return (flags & flag) != 0; }
  constexpr const char* column() const { return sqlName ? sqlName : name; }

 private:
  constexpr RecordField with(unsigned flag) const {
    RecordField f = *this;
    f.flags |= flag;
    return f;
  }
};

template <class R, class T> constexpr RecordField<R, T> field(const char* name, T R::*member) {
  return RecordField<R, T>(name, member);
}

// Calls visit(f) for each field of R, in list order.
template <class R, class Visit> void forEachField(Visit&& visit) {
  std::apply([&](const auto&... f) { (visit(f), ...); }, R::fields());
}

}  // namespace longrl::store
