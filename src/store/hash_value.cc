// HashValue: the listpack/hashtable encoding switch.
#include "hashkv/hash_value.h"

#include <cassert>

namespace hashkv {

HashValue::HashValue(const HashValue& other)
    : listpack_(other.listpack_),
      table_(other.table_ ? std::make_unique<Table>(*other.table_) : nullptr) {}

HashValue& HashValue::operator=(const HashValue& other) {
  if (this != &other) *this = HashValue(other);
  return *this;
}

HashValue::~HashValue() = default;

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  if (table_ == nullptr) return listpack_.Get(field);
  const CompactString* value = table_->Find(field);
  if (value == nullptr) return std::nullopt;
  return value->view();
}

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (table_ == nullptr) {
    // As Redis's hashTypeTryConversion: a long field or value converts before it is stored,
    // even when it only overwrites; so does a listpack that would pass its safety size.
    if (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
        !listpack_.SafeToAdd(field.size(), value.size())) {
      ConvertToTable();
    } else {
      const bool created = listpack_.Set(field, value);
      if (created && listpack_.size() > limits.max_listpack_entries) ConvertToTable();
      return created;
    }
  }
  auto [pos, created] = table_->FindOrInsert(field);
  table_->value_at(pos).assign(value);
  return created;
}

bool HashValue::Delete(std::string_view field) {
  return table_ == nullptr ? listpack_.Delete(field) : table_->Erase(field);
}

void HashValue::ConvertToTable() {
  auto table = std::make_unique<Table>();
  table->BuildIndex();
  listpack_.ForEach([&table](std::string_view field, std::string_view value) {
    table->value_at(table->FindOrInsert(field).first).assign(value);
  });
  listpack_.Clear();
  table_ = std::move(table);
}

std::pair<std::string_view, std::string_view> HashValue::RandomEntry(uint64_t rnd) const {
  assert(!empty());
  if (table_ == nullptr) {
    // Lemire's multiply-shift, as the table's RandomPos.
    const auto index = static_cast<size_t>((static_cast<unsigned __int128>(rnd) * size()) >> 64);
    return listpack_.At(index);
  }
  size_t pos = table_->RandomPos(rnd);
  return {table_->key_at(pos), table_->value_at(pos).view()};
}

}  // namespace hashkv
