// The one include of Catch2 for every test file: moving to Catch2 v3 means editing this file.
#pragma once
#include <catch2/catch.hpp>
