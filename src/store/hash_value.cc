// HashValue: the listpack/hashtable encoding switch over one insertion-ordered table.
#include "hashkv/hash_value.h"

#include <cassert>

namespace hashkv {

bool HashValue::is_listpack() const { return !table_.indexed(); }

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  const std::string* value = table_.Find(field);
  if (value == nullptr) return std::nullopt;
  return std::string_view(*value);
}

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  // As Redis's hashTypeTryConversion: a long field or value converts before it is stored, even
  // when it only overwrites.
  if (is_listpack() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    table_.BuildIndex();
  }
  auto [pos, created] = table_.FindOrInsert(field);
  table_.value_at(pos).assign(value.data(), value.size());
  if (created && is_listpack() && table_.size() > limits.max_listpack_entries) {
    table_.BuildIndex();
  }
  return created;
}

bool HashValue::Delete(std::string_view field) { return table_.Erase(field); }

std::pair<std::string_view, std::string_view> HashValue::RandomEntry(uint64_t rnd) const {
  assert(!empty());
  size_t pos = table_.RandomPos(rnd);
  return {table_.key_at(pos), table_.value_at(pos)};
}

}  // namespace hashkv
