// The synopsis parser behind COMMAND DOCS: a small recursive-descent parser over the words,
// brackets and bars of a synopsis, then a conversion that folds "x [x ...]" into repeated
// arguments and attaches upper-case tokens to the argument that follows them.
#include "commands/command_syntax.h"

#include <cctype>
#include <cstdint>

namespace hashkv {
namespace {

struct SyntaxNode {
  enum class Kind : uint8_t { kWord, kOptional, kGroup, kEllipsis };
  Kind kind = Kind::kWord;
  std::string_view word;
  std::vector<std::vector<SyntaxNode>> alts;  // kOptional / kGroup: alternatives
};

class SyntaxParser {
 public:
  explicit SyntaxParser(std::string_view text) : text_(text) {}

  std::vector<std::vector<SyntaxNode>> ParseAll() { return ParseAlts('\0'); }

 private:
  std::string_view Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ >= text_.size()) return {};
    char c = text_[pos_];
    if (c == '[' || c == ']' || c == '<' || c == '>' || c == '|') return text_.substr(pos_++, 1);
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char d = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(d)) || d == '[' || d == ']' || d == '<' ||
          d == '>' || d == '|') {
        break;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  std::vector<std::vector<SyntaxNode>> ParseAlts(char close) {
    std::vector<std::vector<SyntaxNode>> alts(1);
    while (true) {
      std::string_view tok = Next();
      if (tok.empty()) return alts;
      if (tok.size() == 1 && (tok[0] == ']' || tok[0] == '>')) {
        if (tok[0] == close) return alts;
        continue;  // stray closer: ignore it
      }
      if (tok == "|") {
        alts.emplace_back();
        continue;
      }
      SyntaxNode node;
      if (tok == "[" || tok == "<") {
        node.kind = tok == "[" ? SyntaxNode::Kind::kOptional : SyntaxNode::Kind::kGroup;
        node.alts = ParseAlts(tok == "[" ? ']' : '>');
      } else if (tok == "...") {
        node.kind = SyntaxNode::Kind::kEllipsis;
      } else {
        node.word = tok;
      }
      alts.back().push_back(std::move(node));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool IsToken(std::string_view word) {
  bool letter = false;
  for (char c : word) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isupper(static_cast<unsigned char>(c))) letter = true;
  }
  return letter;
}

void Render(const std::vector<SyntaxNode>& seq, std::string* out);

void Render(const SyntaxNode& node, std::string* out) {
  switch (node.kind) {
    case SyntaxNode::Kind::kWord:
      out->append(node.word);
      break;
    case SyntaxNode::Kind::kEllipsis:
      out->append("...");
      break;
    case SyntaxNode::Kind::kOptional:
    case SyntaxNode::Kind::kGroup:
      out->push_back(node.kind == SyntaxNode::Kind::kOptional ? '[' : '<');
      for (size_t i = 0; i < node.alts.size(); ++i) {
        if (i > 0) out->push_back('|');
        Render(node.alts[i], out);
      }
      out->push_back(node.kind == SyntaxNode::Kind::kOptional ? ']' : '>');
      break;
  }
}

void Render(const std::vector<SyntaxNode>& seq, std::string* out) {
  for (size_t i = 0; i < seq.size(); ++i) {
    if (i > 0) out->push_back(' ');
    Render(seq[i], out);
  }
}

std::string Render(const SyntaxNode& node) {
  std::string s;
  Render(node, &s);
  return s;
}

class DocArgBuilder {
 public:
  explicit DocArgBuilder(std::string_view command) : command_(command) {}

  std::vector<DocArg> Build(std::string_view syntax) {
    std::vector<std::vector<SyntaxNode>> alts = SyntaxParser(syntax).ParseAll();
    if (alts.size() == 1) return ConvertSeq(alts[0]);
    std::vector<DocArg> out;
    DocArg one = ConvertAlts(alts);
    if (!one.type.empty()) out.push_back(std::move(one));
    return out;
  }

 private:
  // A unit of a sequence after folding "x [x ...]" repetitions.
  struct Unit {
    const SyntaxNode* node = nullptr;  // a plain node, or
    std::vector<SyntaxNode> repeated;  // the repeated words
    bool repeat = false;
    bool repeat_optional = false;  // "[x ...]" with nothing before it to repeat
  };

  std::string_view InferType(std::string_view name) const {
    static constexpr std::string_view kKeys[] = {"key", "newkey", "source", "destination"};
    static constexpr std::string_view kIntegers[] = {
        "count",     "cursor",  "seconds",   "milliseconds", "timeout", "numreplicas",
        "index",     "index1",  "index2",    "db",           "ttl",     "protover",
        "client-id", "numkeys", "numfields", "frequency",    "port",    "destination-db",
        "limit",     "offset",  "increment", "decrement",    "start",   "stop"};
    for (std::string_view k : kKeys) {
      if (name == k) return "key";
    }
    if (name == "pattern") return "pattern";
    if (name == "unix-time-seconds" || name == "unix-time-milliseconds") return "unix-time";
    if (name == "increment" && command_.find("float") != std::string_view::npos) return "double";
    for (std::string_view k : kIntegers) {
      if (name == k) return "integer";
    }
    return "string";
  }

  DocArg Plain(std::string_view word) {
    DocArg arg;
    if (IsToken(word)) {
      arg.type = "pure-token";
      arg.token = std::string(word);
      arg.has_token = true;
      arg.name.reserve(word.size());
      for (char c : word) {
        arg.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      return arg;
    }
    arg.name = std::string(word);
    arg.type = InferType(word);
    if (arg.type == "key") arg.key_spec_index = next_key_spec_++;
    return arg;
  }

  static DocArg Block(std::vector<DocArg> args) {
    DocArg block;
    block.type = "block";
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) block.name.push_back('_');
      block.name.append(args[i].name);
    }
    block.args = std::move(args);
    return block;
  }

  // One argument for a sequence: itself when it has one, else a block.
  static DocArg Single(std::vector<DocArg> args) {
    if (args.empty()) return DocArg();
    if (args.size() == 1) return std::move(args[0]);
    return Block(std::move(args));
  }

  DocArg ConvertAlts(const std::vector<std::vector<SyntaxNode>>& alts) {
    if (alts.size() == 1) {
      std::vector<DocArg> args = ConvertSeq(alts[0]);
      if (args.empty()) return DocArg();
      return Single(std::move(args));
    }
    DocArg oneof;
    oneof.type = "oneof";
    for (const auto& alt : alts) {
      std::vector<DocArg> args = ConvertSeq(alt);
      if (args.empty()) continue;
      if (!oneof.args.empty()) oneof.name.push_back('_');
      DocArg one = Single(std::move(args));
      oneof.name.append(one.name);
      oneof.args.push_back(std::move(one));
    }
    if (oneof.args.empty()) return DocArg();
    return oneof;
  }

  static bool IsRepetition(const SyntaxNode& node) {
    return node.kind == SyntaxNode::Kind::kOptional && node.alts.size() == 1 &&
           !node.alts[0].empty() && node.alts[0].back().kind == SyntaxNode::Kind::kEllipsis;
  }

  std::vector<Unit> Fold(const std::vector<SyntaxNode>& seq) {
    std::vector<Unit> units;
    for (const SyntaxNode& node : seq) {
      if (node.kind == SyntaxNode::Kind::kEllipsis) {
        // "x ..." without brackets: x repeats.
        if (!units.empty() && !units.back().repeat) {
          Unit& u = units.back();
          u.repeated.push_back(*u.node);
          u.node = nullptr;
          u.repeat = true;
        }
        continue;
      }
      if (!IsRepetition(node)) {
        units.push_back(Unit{&node, {}, false, false});
        continue;
      }
      std::vector<SyntaxNode> inner(node.alts[0].begin(), node.alts[0].end() - 1);
      size_t k = inner.size();
      bool matches = k > 0 && units.size() >= k;
      for (size_t j = 0; matches && j < k; ++j) {
        const Unit& u = units[units.size() - k + j];
        matches = !u.repeat && Render(*u.node) == Render(inner[j]);
      }
      Unit unit;
      unit.repeat = true;
      if (matches) {
        units.resize(units.size() - k);
      } else {
        unit.repeat_optional = true;
      }
      unit.repeated = std::move(inner);
      units.push_back(std::move(unit));
    }
    return units;
  }

  DocArg ConvertUnit(const Unit& unit) {
    if (!unit.repeat) return ConvertNode(*unit.node);
    const std::vector<SyntaxNode>& r = unit.repeated;
    DocArg arg;
    if (r.size() == 2 && r[0].kind == SyntaxNode::Kind::kWord && IsToken(r[0].word) &&
        r[1].kind == SyntaxNode::Kind::kWord && !IsToken(r[1].word)) {
      // "PREFIX prefix [PREFIX prefix ...]": the token repeats too.
      arg = Plain(r[1].word);
      arg.token = std::string(r[0].word);
      arg.has_token = true;
      arg.multiple_token = true;
    } else {
      arg = Single(ConvertSeq(r));
      if (arg.type.empty()) return arg;  // "[...]": nothing to repeat
    }
    arg.multiple = true;
    if (unit.repeat_optional) arg.optional = true;
    return arg;
  }

  DocArg ConvertNode(const SyntaxNode& node) {
    switch (node.kind) {
      case SyntaxNode::Kind::kWord:
        return Plain(node.word);
      case SyntaxNode::Kind::kOptional: {
        DocArg arg = ConvertAlts(node.alts);
        arg.optional = true;
        return arg;
      }
      case SyntaxNode::Kind::kGroup:
        return ConvertAlts(node.alts);
      case SyntaxNode::Kind::kEllipsis:
        break;
    }
    return DocArg();
  }

  std::vector<DocArg> ConvertSeq(const std::vector<SyntaxNode>& seq) {
    std::vector<Unit> units = Fold(seq);
    std::vector<DocArg> out;
    for (size_t i = 0; i < units.size(); ++i) {
      const Unit& u = units[i];
      bool token = !u.repeat && u.node->kind == SyntaxNode::Kind::kWord && IsToken(u.node->word);
      if (token && i + 1 < units.size()) {
        const Unit& next = units[i + 1];
        bool takes = next.repeat ||
                     (next.node->kind == SyntaxNode::Kind::kWord && !IsToken(next.node->word)) ||
                     next.node->kind == SyntaxNode::Kind::kGroup;
        if (takes) {
          // "MATCH pattern", "TYPE <A | B>", "ID client-id [client-id ...]".
          DocArg arg = ConvertUnit(next);
          ++i;
          if (!arg.type.empty() && !arg.has_token) {
            arg.token = std::string(u.node->word);
            arg.has_token = true;
            out.push_back(std::move(arg));
            continue;
          }
          out.push_back(Plain(u.node->word));  // the token stands alone
          if (!arg.type.empty()) out.push_back(std::move(arg));
          continue;
        }
      }
      DocArg arg = ConvertUnit(u);
      if (!arg.type.empty()) out.push_back(std::move(arg));
    }
    return out;
  }

  std::string_view command_;
  int next_key_spec_ = 0;
};

}  // namespace

std::vector<DocArg> ParseCommandSyntax(std::string_view command, std::string_view syntax) {
  return DocArgBuilder(command).Build(syntax);
}

}  // namespace hashkv
