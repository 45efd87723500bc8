/**
 * The chevrotain grammar of one card (one logical line). The parser is built once and reused: the
 * driver (`parse.ts`) feeds it one logical line at a time, so that an error in one card never hides
 * the errors of the next ones.
 *
 *   card      := (Directive | Include) item*
 *   item      := Identifier '=' value | value
 *   value     := Identifier | sign? Number | String | BarePath | '{' expr '}' | NumericMatrix | matrix | '(' (item | ',')* ')'
 *   matrix    := '[' (matrix | sign? Number | '{' expr '}' | Identifier | ',')* ']'
 *   expr      := term (('+' | '-') term)*
 *   term      := unary (('*' | '/') unary)*
 *   unary     := ('+' | '-')* power
 *   power     := primary (('^' | '**') ('+' | '-')* primary)*        (right-associative)
 *   primary   := Number | Identifier ('(' (expr (',' expr)*)? ')')? | '(' expr ')'
 */
import { CstParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import {
  BarePath,
  Caret,
  Comma,
  Directive,
  Equals,
  Identifier,
  Include,
  LBrace,
  LBracket,
  LParen,
  Minus,
  NumberToken,
  NumericMatrixToken,
  Plus,
  RBrace,
  RBracket,
  RParen,
  Slash,
  Star,
  StarStar,
  StringToken,
  allTokens,
} from '../lex/tokens.js';

/** How a token is named in messages: `'='`, `end of line`, `name 'foo'`. */
export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'end of line';
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}...` : token.image;
  return `'${image}'`;
}

function labelOf(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function listLabels(types: readonly TokenType[]): string {
  const labels = [...new Set(types.map(labelOf))];
  if (labels.length <= 1) return labels[0] ?? 'something else';
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

/** Plain-language parse error messages. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${labelOf(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    if (ruleName === 'value') {
      return `expected a value (number, name, "string", {expression}, [matrix] or (list)) but found ${describeToken(actual[0])}`;
    }
    if (ruleName === 'primary') return `expected a number, a name or '(' but found ${describeToken(actual[0])}`;
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0])).filter((t) => t !== undefined);
    return `expected ${listLabels(firsts)} but found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = expectedIterationPaths.map((path) => path[0]).filter((t) => t !== undefined);
    return `expected ${listLabels(firsts)} but found ${describeToken(actual[0])}`;
  },
};

class CardParser extends CstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: false,
      maxLookahead: 2,
      nodeLocationTracking: 'full',
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  // The alternatives and loop bodies are created once, not at every rule call (chevrotain's advice
  // for speed: closures allocated per call dominate the parse time of long netlists).
  private readonly signAlternatives = [{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME(Plus) }];
  private readonly sign = () => {
    this.OR(this.signAlternatives);
  };
  private readonly exponentSignAlternatives = [{ ALT: () => this.CONSUME2(Minus) }, { ALT: () => this.CONSUME2(Plus) }];
  private readonly exponentSign = () => {
    this.OR2(this.exponentSignAlternatives);
  };
  private readonly keywordAlternatives = [{ ALT: () => this.CONSUME(Directive) }, { ALT: () => this.CONSUME(Include) }];
  private readonly cardItem = () => {
    this.SUBRULE(this.item);
  };
  private readonly itemAlternatives = [
    {
      GATE: () => this.LA(2).tokenType === Equals,
      ALT: () => {
        this.CONSUME(Identifier, { LABEL: 'key' });
        this.CONSUME(Equals);
        this.SUBRULE(this.value);
      },
    },
    { ALT: () => this.SUBRULE2(this.value) },
  ];
  private readonly valueAlternatives = [
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => this.SUBRULE(this.signedNumber) },
    { ALT: () => this.CONSUME(StringToken) },
    { ALT: () => this.CONSUME(BarePath) },
    { ALT: () => this.SUBRULE(this.braced) },
    { ALT: () => this.CONSUME(NumericMatrixToken) },
    { ALT: () => this.SUBRULE(this.matrix) },
    { ALT: () => this.SUBRULE(this.list) },
  ];
  private readonly listAlternatives = [{ ALT: () => this.SUBRULE(this.item) }, { ALT: () => this.CONSUME(Comma) }];
  private readonly listElement = () => {
    this.OR(this.listAlternatives);
  };
  private readonly matrixAlternatives = [
    { ALT: () => this.SUBRULE(this.matrix) },
    { ALT: () => this.SUBRULE(this.signedNumber) },
    { ALT: () => this.SUBRULE(this.braced) },
    { ALT: () => this.CONSUME(Identifier) },
    { ALT: () => this.CONSUME(Comma) },
  ];
  private readonly matrixElement = () => {
    this.OR(this.matrixAlternatives);
  };
  private readonly additiveAlternatives = [{ ALT: () => this.CONSUME(Plus) }, { ALT: () => this.CONSUME(Minus) }];
  private readonly additiveTail = () => {
    this.OR(this.additiveAlternatives);
    this.SUBRULE2(this.term);
  };
  private readonly multiplicativeAlternatives = [{ ALT: () => this.CONSUME(Star) }, { ALT: () => this.CONSUME(Slash) }];
  private readonly multiplicativeTail = () => {
    this.OR(this.multiplicativeAlternatives);
    this.SUBRULE2(this.unary);
  };
  private readonly powerAlternatives = [{ ALT: () => this.CONSUME(Caret) }, { ALT: () => this.CONSUME(StarStar) }];
  private readonly powerTail = () => {
    this.OR(this.powerAlternatives);
    this.SUBRULE(this.exponent);
  };
  private readonly callArguments = () => {
    this.SUBRULE(this.callArgs);
  };
  private readonly primaryAlternatives = [
    { ALT: () => this.CONSUME(NumberToken) },
    {
      ALT: () => {
        this.CONSUME(Identifier);
        this.OPTION(this.callArguments);
      },
    },
    {
      ALT: () => {
        this.CONSUME(LParen);
        this.SUBRULE(this.expr);
        this.CONSUME(RParen);
      },
    },
  ];
  private readonly nextArgument = () => {
    this.CONSUME(Comma);
    this.SUBRULE2(this.expr);
  };
  private readonly arguments = () => {
    this.SUBRULE(this.expr);
    this.MANY(this.nextArgument);
  };

  public readonly card = this.RULE('card', () => {
    this.OR(this.keywordAlternatives);
    this.MANY(this.cardItem);
  });

  private readonly item = this.RULE('item', () => {
    this.OR(this.itemAlternatives);
  });

  private readonly value = this.RULE('value', () => {
    this.OR(this.valueAlternatives);
  });

  private readonly signedNumber = this.RULE('signedNumber', () => {
    this.OPTION(this.sign);
    this.CONSUME(NumberToken);
  });

  private readonly braced = this.RULE('braced', () => {
    this.CONSUME(LBrace);
    this.SUBRULE(this.expr);
    this.CONSUME(RBrace);
  });

  private readonly list = this.RULE('list', () => {
    this.CONSUME(LParen);
    this.MANY(this.listElement);
    this.CONSUME(RParen);
  });

  private readonly matrix = this.RULE('matrix', () => {
    this.CONSUME(LBracket);
    this.MANY(this.matrixElement);
    this.CONSUME(RBracket);
  });

  private readonly expr = this.RULE('expr', () => {
    this.SUBRULE(this.term);
    this.MANY(this.additiveTail);
  });

  private readonly term = this.RULE('term', () => {
    this.SUBRULE(this.unary);
    this.MANY(this.multiplicativeTail);
  });

  private readonly unary = this.RULE('unary', () => {
    this.MANY(this.sign);
    this.SUBRULE(this.power);
  });

  private readonly power = this.RULE('power', () => {
    this.SUBRULE(this.primary);
    this.MANY(this.powerTail);
  });

  private readonly exponent = this.RULE('exponent', () => {
    this.MANY(this.exponentSign);
    this.SUBRULE(this.primary);
  });

  private readonly primary = this.RULE('primary', () => {
    this.OR(this.primaryAlternatives);
  });

  private readonly callArgs = this.RULE('callArgs', () => {
    this.CONSUME(LParen);
    this.OPTION(this.arguments);
    this.CONSUME(RParen);
  });
}

/** The one parser instance (building the grammar is the expensive part; parsing reuses it). */
export const cardParser = new CardParser();
