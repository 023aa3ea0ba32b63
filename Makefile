# vitopt — two commands do everything on a fresh machine: `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := pkg-config libopenblas-dev libpng-dev libjpeg62-turbo-dev
RELEASE := .build/release/vitopt
TEACHER := samples/digits/timm/model.safetensors

.PHONY: all deps build release test demo clean

all: build

# Installs the Debian packages vitopt links against, when any is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

demo: release
	@echo "== inspect the bundled digits teacher (timm naming)"
	$(RELEASE) inspect $(TEACHER)
	@echo
	@echo "== run it on three test digits"
	$(RELEASE) run $(TEACHER) --input samples/digits/images/3/0.png --top 3
	@echo
	@echo "== test-set accuracy (360 held-out digits), and agreement with the Hugging Face copy"
	$(RELEASE) eval $(TEACHER) --data samples/digits/test_pixels.npy --labels samples/digits/test_y.npy \
	  --against samples/digits/hf/model.safetensors
	@echo
	@echo "== convert timm naming -> Hugging Face naming and check the copy agrees"
	@mkdir -p out/demo/hf out/demo/student
	$(RELEASE) convert $(TEACHER) out/demo/hf/model.safetensors --naming hf
	$(RELEASE) eval out/demo/hf/model.safetensors --data samples/digits/test_pixels.npy --labels samples/digits/test_y.npy \
	  --against $(TEACHER)
	@echo
	@echo "== distill the depth-6 teacher into a depth-3 student (3 epochs on the 1437-image train split)"
	$(RELEASE) distill --teacher $(TEACHER) --data samples/digits/train_pixels.npy --labels samples/digits/train_y.npy \
	  --eval samples/digits/test_pixels.npy --eval-labels samples/digits/test_y.npy --out out/demo/student/model.safetensors \
	  --student-depth 3 --epochs 3 --alpha 0.9 --temperature 2 --log out/demo/student/run.jsonl --latency-runs 10

clean:
	rm -rf .build out
