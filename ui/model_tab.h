#pragma once
// Model tab: the network as the chosen subnet runs it, and an exported model as its file says.
//  - Layers: every quantized layer (kind, shapes, MACs, parameters) with the weight and
//    activation bits of the subnet selected in the Pareto tab and its share of the BitOps;
//    the first and last layer are marked fixed at 8 bits.
//  - ONNX: an exported QDQ model (eqnet::inspectOnnxQdq): each QuantizeLinear and
//    DequantizeLinear node with the layer it feeds, its scale(s) and zero point(s), and the
//    bit-width its levels say. When the file is of this network, the layer table shows those
//    bits next to the subnet's, so a person sees the file holds the subnet they chose.
#include "subnet_choice.h"

#include "eqnet/onnx_inspect.h"

#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace eqnet {
namespace ui {

class RunDocument;

class ModelTab : public QWidget {
    Q_OBJECT
public:
    enum LayerColumn { IndexCol, NameCol, KindCol, WeightShapeCol, OutputShapeCol, MacsCol, ParamsCol, WBitsCol,
                       ABitsCol, ShareCol, OnnxBitsCol, LayerColumnCount };
    enum OnnxColumn { NodeCol, OpCol, RoleCol, LayerCol, StorageCol, ScaleCol, ZeroPointCol, LevelsCol, BitsCol,
                      OnnxColumnCount };

    explicit ModelTab(RunDocument* doc, QWidget* parent = nullptr);

    // The subnet whose bits the layer table shows (the Pareto tab's selection); none: clears.
    void showSubnet(const SubnetChoice& choice);
    // Reads an ONNX file; false with the reason (naming the file) in *error, the table kept.
    bool openOnnx(const QString& path, QString* error = nullptr);

    QTableWidget* layerTable() const { return layers_; }
    QTableWidget* onnxTable() const { return onnx_; }
    const std::optional<OnnxQdqReport>& onnxReport() const { return report_; }
    QString summaryText() const;

private:
    void fillLayers();
    void fillOnnx();
    void chooseOnnx();

    RunDocument* doc_;
    SubnetChoice choice_;
    std::optional<OnnxQdqReport> report_;
    QLabel* summary_ = nullptr;
    QLabel* onnxSummary_ = nullptr;
    QPushButton* openOnnxButton_ = nullptr;
    QTableWidget* layers_ = nullptr;
    QTableWidget* onnx_ = nullptr;
};

} // namespace ui
} // namespace eqnet
