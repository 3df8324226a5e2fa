# tests/fuzz/fuzz.mk - driven by tests/fuzz/build.sh, which passes every variable below.
# (Not named Makefile: .gitignore ignores every file of that name.)
#
#   TOP         repository root
#   OUT         build directory (build-fuzz)
#   CC          clang-14
#   PKG_CFLAGS  pkg-config --cflags of the libraries
#   LIBS        what the targets link with
#   SRC_C       the product's sources (every src/**/*.c but main.c and authzctl.c)
#   TARGETS     fuzz target names (tests/fuzz/<name>.c)

FUZZ_DIR := $(TOP)/tests/fuzz
GEN := $(OUT)/gen
OBJ := $(OUT)/obj
BIN := $(OUT)/bin

SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(SAN) \
	-I$(TOP)/src -I$(GEN) $(PKG_CFLAGS) -DAUTHZD_SQL_DIR='"$(TOP)/sql"'
# The product's sources: the project's warnings (-Werror is for its own gcc build only).
SRC_CFLAGS := $(BASE_CFLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-unused-parameter
# Our harnesses: warning-free under clang.
FUZZ_CFLAGS := $(BASE_CFLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -I$(FUZZ_DIR)
LDFLAGS := -fsanitize=fuzzer $(SAN)

SQL := $(sort $(wildcard $(TOP)/src/db/sql/*.sql))
PRODUCT_C := $(SRC_C)

PRODUCT_O := $(patsubst $(TOP)/src/%.c,$(OBJ)/src/%.o,$(PRODUCT_C)) $(OBJ)/gen/db_statements.o
LIB := $(OUT)/libauthzd-fuzz.a
COMMON_O := $(OBJ)/fuzz/fuzz_common.o

all: $(addprefix $(BIN)/,$(TARGETS))

$(GEN)/db/db_statements.c: $(SQL) $(TOP)/src/db/sql2c.sh
	@mkdir -p $(GEN)/db
	sh $(TOP)/src/db/sql2c.sh $@ $(GEN)/db/db_statements.h $(SQL)
$(GEN)/db/db_statements.h: $(GEN)/db/db_statements.c
$(GEN)/db/db_schema.h: $(TOP)/sql $(TOP)/src/db/schema_level.sh
	@mkdir -p $(GEN)/db
	sh $(TOP)/src/db/schema_level.sh $@ $(TOP)/sql

# every product object needs the generated header first
$(OBJ)/src/%.o: $(TOP)/src/%.c | $(GEN)/db/db_statements.h $(GEN)/db/db_schema.h
	@mkdir -p $(dir $@)
	$(CC) $(SRC_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/gen/db_statements.o: $(GEN)/db/db_statements.c
	@mkdir -p $(dir $@)
	$(CC) $(SRC_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/fuzz/%.o: $(FUZZ_DIR)/%.c | $(GEN)/db/db_statements.h $(GEN)/db/db_schema.h
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(PRODUCT_O)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%: $(OBJ)/fuzz/%.o $(COMMON_O) $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $< $(COMMON_O) $(LIB) $(LIBS)

.PHONY: all
.SECONDARY:
-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
